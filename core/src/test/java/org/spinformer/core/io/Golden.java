package org.spinformer.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Access to the golden files written by {@code src/test/resources/io/make_golden.py}. */
final class Golden {
    private Golden() {
    }

    static ByteBuffer bytes(String name) throws IOException {
        try (InputStream in = Golden.class.getResourceAsStream("/io/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource io/" + name);
            }
            return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    static Path path(String name) {
        try {
            return Path.of(Golden.class.getResource("/io/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
