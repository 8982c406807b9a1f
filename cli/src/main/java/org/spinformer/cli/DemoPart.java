package org.spinformer.cli;

import ai.djl.Device;

import java.nio.file.Path;

/** One part of {@code spinformer demo}: each pipeline adds its own. */
public interface DemoPart {
    /** Short name shown in the demo's progress. */
    String name();

    /** Runs the part, writing its outputs under {@code out} (a directory of its own). */
    void run(Path out, Device device) throws Exception;
}
