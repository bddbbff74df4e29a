package dev.rollgate.controlplane.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The house rules of DESIGN.md: the engine ({@code release}, with its ports in {@code release.port}) is the core and
 * knows no adapter; every capability depends inward; no two top-level packages import each other.
 */
@AnalyzeClasses(packages = "dev.rollgate.controlplane", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    private static final String[] ADAPTERS = {
            "dev.rollgate.controlplane.metrics..", "dev.rollgate.controlplane.platform..",
            "dev.rollgate.controlplane.notify..", "dev.rollgate.controlplane.intake..",
            "dev.rollgate.controlplane.web..", "dev.rollgate.controlplane.security.."};

    @ArchTest
    static final ArchRule topLevelPackagesAreFreeOfCycles = slices()
            .matching("dev.rollgate.controlplane.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule engineImportsNoAdapter = noClasses()
            .that().resideInAnyPackage("dev.rollgate.controlplane.release..", "dev.rollgate.controlplane.policy..",
                    "dev.rollgate.controlplane.analysis..")
            .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS)
            .because("adapters implement the ports in release.port; the core never reaches out to one");

    @ArchTest
    static final ArchRule engineIgnoresInsights = noClasses()
            .that().resideInAnyPackage("dev.rollgate.controlplane.release..", "dev.rollgate.controlplane.policy..",
                    "dev.rollgate.controlplane.analysis..")
            .should().dependOnClassesThat().resideInAPackage("dev.rollgate.controlplane.insights..")
            .because("delivery figures read what the engine wrote; the engine never waits on them");

    @ArchTest
    static final ArchRule portsDependOnlyOnTheModel = noClasses()
            .that().resideInAPackage("dev.rollgate.controlplane.release.port..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.rollgate.controlplane.release.persistence..",
                    "org.springframework..")
            .because("a port is a contract of records and interfaces, not of the engine's storage or wiring");

    @ArchTest
    static final ArchRule drivenAdaptersNeverCallTheEngine = noClasses()
            .that().resideInAnyPackage("dev.rollgate.controlplane.platform..", "dev.rollgate.controlplane.metrics..",
                    "dev.rollgate.controlplane.notify..")
            .should().dependOnClassesThat().resideInAPackage("dev.rollgate.controlplane.release.persistence..")
            .orShould().dependOnClassesThat().haveNameMatching("dev\\.rollgate\\.controlplane\\.release\\."
                    + "(ReleaseService|ReleaseTicker|ReleaseReconciler|EffectExecutor|ObservationCollector"
                    + "|StartupRestorer)(\\$.*)?")
            .because("the engine calls platforms, metrics and notifiers through its ports; what they need from it"
                    + " at start comes through a port (RestoredOnStart), never a call into ReleaseService");

    @ArchTest
    static final ArchRule localPlatformIgnoresKubernetes = noClasses()
            .that().resideInAPackage("dev.rollgate.controlplane.platform.local..")
            .should().dependOnClassesThat().resideInAPackage("dev.rollgate.controlplane.platform.kubernetes..");

    @ArchTest
    static final ArchRule kubernetesPlatformIgnoresLocal = noClasses()
            .that().resideInAPackage("dev.rollgate.controlplane.platform.kubernetes..")
            .should().dependOnClassesThat().resideInAPackage("dev.rollgate.controlplane.platform.local..")
            .allowEmptyShould(true);
}
