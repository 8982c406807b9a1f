package org.spinformer.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The module cut, checked on the production classes of every module (this module sees them all): pipelines
 * stand on {@code core} and never on each other, and only {@code core.engine} calls DJL's PyTorch JNI.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // production classes only: neither test-classes folders nor the core test-jar on this class path
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("org.spinformer");
        // the rules below are vacuous unless every module's classes were imported
        for (String pkg : new String[] {"core.engine", "core.nn", "nqs", "language", "representations", "cli"}) {
            assertTrue(classes.stream().anyMatch(c -> c.getPackageName().startsWith("org.spinformer." + pkg)),
                    "no classes imported from org.spinformer." + pkg);
        }
    }

    private static void pipelineIndependent(String pipeline, String... others) {
        for (String other : others) {
            ArchRule rule = noClasses().that().resideInAPackage("org.spinformer." + pipeline + "..")
                    .should().dependOnClassesThat().resideInAPackage("org.spinformer." + other + "..")
                    .because("pipelines share code through core only");
            rule.check(classes);
        }
    }

    @Test
    void pipelinesDependOnCoreOnly() {
        pipelineIndependent("nqs", "language", "representations", "cli", "benchmarks");
        pipelineIndependent("language", "nqs", "representations", "cli", "benchmarks");
        pipelineIndependent("representations", "nqs", "language", "cli", "benchmarks");
        pipelineIndependent("core", "nqs", "language", "representations", "cli", "benchmarks");
    }

    @Test
    void onlyTheEngineLayerCallsTheJni() {
        noClasses().that().resideOutsideOfPackage("org.spinformer.core.engine..")
                .should().dependOnClassesThat().resideInAPackage("ai.djl.pytorch.jni..")
                .because("DJL's JNI calls live in core.engine (one place to change on a DJL upgrade)")
                .check(classes);
    }
}
