package org.spinformer.cli;

import picocli.CommandLine.Command;

/** {@code spinformer language}: subcommand group. */
@Command(name = "language", mixinStandardHelpOptions = true,
        description = "Factored-attention clones of a corpus, the simplicity-bias experiment, the Potts mapping.",
        subcommands = {LanguageTrainFactoredCommand.class, LanguageClonesCommand.class, LanguageDiagnoseCommand.class,
                LanguageSimplicityCommand.class, LanguageSimplicityGptCommand.class, LanguagePottsCommand.class, LanguageTrainGptCommand.class, LanguageMemoryCommand.class,
                LanguageAttractorCommand.class})
public final class LanguageCommand extends GroupCommand {
}
