package org.spinformer.representations.models;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Test fixture: a resource (a loaded model) made before a test class's first test and closed after its last,
 * {@code @RegisterExtension static final Loaded<BertEncoder> MODEL = new Loaded<>(() -> Models.miniLm(...));}
 * then {@code MODEL.get()} in the tests.
 */
public final class Loaded<T extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {
    /** Makes the resource. */
    @FunctionalInterface
    public interface Loader<T> {
        T load() throws Exception;
    }

    private final Loader<T> loader;
    private T value;

    public Loaded(Loader<T> loader) {
        this.loader = loader;
    }

    /** The resource (made before the class's tests). */
    public T get() {
        return value;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        value = loader.load();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (value != null) {
            value.close();
            value = null;
        }
    }
}
