package org.spinformer.core.device;

/**
 * Process-wide settings that must be in place before any DJL class loads: no downloads, no telemetry.
 *
 * <p>Call {@link #offline()} first thing in every {@code main}. DJL reads {@code OPT_OUT_TRACKING} from the
 * environment or from a system property of the same name, and {@code ai.djl.offline} from a system property.
 */
public final class Env {
    private Env() {}

    /** Sets {@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true} unless the user set them already. */
    public static void offline() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        if (System.getProperty("ai.djl.default_engine") == null) {
            System.setProperty("ai.djl.default_engine", "PyTorch");
        }
    }
}
