package org.spinformer.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Test fixture: runs the CLI in-process with captured stdout/stderr, as the launcher would. */
record CliRun(int code, String out, String err) {
    static CliRun of(String... args) {
        return with(CommandLine.defaultFactory(), args);
    }

    /** As {@link #of}, the commands made by {@code factory}. */
    static CliRun with(CommandLine.IFactory factory, String... args) {
        CommandLine cl = Main.commandLine(factory);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The last stdout line parsed as JSON (the {@code --json} contract). */
    JsonObject lastJson() {
        String[] lines = out.strip().split("\n");
        return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
    }
}
