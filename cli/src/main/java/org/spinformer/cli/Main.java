package org.spinformer.cli;

import org.spinformer.core.device.Env;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** The {@code spinformer} command: one subcommand group per pipeline. */
@Command(name = "spinformer", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Transformers for quantum spin models and language on DJL + PyTorch (CPU or CUDA).",
        subcommands = {InfoCommand.class, DemoCommand.class, NqsCommand.class, LanguageCommand.class,
                ReprCommand.class, CommandLine.HelpCommand.class})
public final class Main extends GroupCommand {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces on failure.")
    boolean verbose;

    public static void main(String[] args) {
        Env.offline();
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (0 ok, 1 failure, 2 bad arguments). */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        return commandLine(CommandLine.defaultFactory());
    }

    /** The CLI with its error handlers, its commands made by {@code factory} (tests set fields of a command). */
    static CommandLine commandLine(CommandLine.IFactory factory) {
        CommandLine cl = new CommandLine(new Main(), factory);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("error: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName()
                    + " --help')");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            boolean verbose = false;
            for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
                verbose |= p.hasMatchedOption("--verbose"); // before or after any subcommand
            }
            PrintWriter err = cmd.getErr();
            if (ex instanceof org.spinformer.core.io.BadFileException) {
                err.println("error: " + ex.getMessage());
                return 1; // a file's content, not the arguments
            }
            if (ex instanceof IllegalArgumentException) {
                err.println("error: " + ex.getMessage());
                return 2;
            }
            if (verbose) {
                ex.printStackTrace(err);
            } else {
                Throwable shown = ex instanceof java.io.UncheckedIOException && ex.getCause() != null ? ex.getCause() : ex;
                String msg = shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
                err.println("error: " + msg + " (run with --verbose for details)");
            }
            return 1;
        });
        return cl;
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"spinformer " + (v == null ? "dev" : v) + " (DJL 0.32.0, PyTorch 2.5.1)"};
        }
    }
}
