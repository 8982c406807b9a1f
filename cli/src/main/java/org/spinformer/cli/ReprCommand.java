package org.spinformer.cli;

import picocli.CommandLine.Command;

/** {@code spinformer repr}: subcommand group. */
@Command(name = "repr", mixinStandardHelpOptions = true,
        description = "Hidden states of pretrained transformers and the Information Imbalance between layers.",
        subcommands = {ReprHiddenCommand.class, ReprImbalanceCommand.class, ReprLayersCommand.class,
            ReprSpreadCommand.class, ReprPastFutureCommand.class, ReprCrossCommand.class, ReprDistanceCommand.class})
public final class ReprCommand extends GroupCommand {
}
