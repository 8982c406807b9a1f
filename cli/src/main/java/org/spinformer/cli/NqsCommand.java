package org.spinformer.cli;

import picocli.CommandLine.Command;

/** {@code spinformer nqs}: subcommand group. */
@Command(name = "nqs", mixinStandardHelpOptions = true,
        description = "Neural-network quantum states: train transformer wave functions for J1-J2 Heisenberg models.",
        subcommands = {NqsTrainCommand.class, NqsExactCommand.class, NqsScalingCommand.class})
public final class NqsCommand extends GroupCommand {
}
