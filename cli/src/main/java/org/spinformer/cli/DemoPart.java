package org.spinformer.cli;

import ai.djl.Device;

import java.nio.file.Path;

/** One part of {@code spinformer demo}: each pipeline adds its own, named in the demo's progress and by {@code --only}. */
public abstract class DemoPart {
    private final String name;

    protected DemoPart(String name) {
        this.name = name;
    }

    /** Short name shown in the demo's progress. */
    public final String name() {
        return name;
    }

    /** Runs the part, writing its outputs under {@code out} (a directory of its own). */
    public abstract void run(Path out, Device device) throws Exception;
}
