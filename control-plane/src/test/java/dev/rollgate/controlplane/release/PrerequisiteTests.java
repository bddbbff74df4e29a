package dev.rollgate.controlplane.release;

import static dev.rollgate.controlplane.release.MachineFixtures.ALICE;
import static dev.rollgate.controlplane.release.MachineFixtures.T0;
import static dev.rollgate.controlplane.release.MachineFixtures.driveTo;
import static dev.rollgate.controlplane.release.MachineFixtures.pending;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.release.MachineFixtures.Platform;

/** Which staging releases let a revision into an environment that requires staging (pure rules). */
class PrerequisiteTests {

    private static final Revision RAN = new Revision("2.0.0", "example/api:2", Map.of("A", "1"));

    private static Environment requiring(boolean analysis) {
        return new Environment("production", "local", "local", "builtin", "default", null, "staging", analysis, null,
                null, Duration.ofMinutes(2), Duration.ofMinutes(5));
    }

    /** A SUCCEEDED staging release of {@code RAN}; {@code analysis} false as a fast-path rollback plans it. */
    private static Release succeeded(boolean analysis) {
        Plan p = MachineFixtures.plan(Plan.Strategy.ROLLING);
        Plan plan = new Plan(p.strategy(), p.steps(), p.stepDuration(), p.inconclusiveGrace(), p.failureLimit(),
                p.errorLimit(), p.readyTimeout(), p.restoreTimeout(), analysis, analysis);
        return ReleaseMachine.create(UUID.randomUUID(), "video-api", "staging", RAN, null, null, plan,
                MachineFixtures.PLACEMENT, ALICE, null, T0, Map.of()).release();
    }

    @Test
    void aFastPathRollbackInStagingCountsOnlyWhereAnalysisIsNotRequired() {
        List<Release> onlyFastPath = List.of(succeeded(false));

        assertThat(Prerequisite.refusal("video-api", requiring(true), RAN, onlyFastPath)).get()
                .satisfies(p -> assertThat(p.getMessage()).contains("ran without analysis"));
        assertThat(Prerequisite.refusal("video-api", requiring(false), RAN, onlyFastPath)).isEmpty();
        assertThat(Prerequisite.refusal("video-api", requiring(true), RAN, List.of(succeeded(false),
                succeeded(true)))).as("one analysed release of the revision is enough").isEmpty();
    }

    @Test
    void theSameVersionWithAnotherRevisionIsRefusedWithSecretLookingValuesHidden() {
        Revision asked = new Revision("2.0.0", "example/api:2", Map.of("A", "1", "DB_PASSWORD", "hunter2",
                "signing_key", "k1", "GITHUB_SECRET", "x", "SESSION_TOKEN", "t"));

        var refusal = Prerequisite.refusal("video-api", requiring(false), asked, List.of(succeeded(true)));

        assertThat(refusal).get().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ReleaseProblem.Kind.CONFLICT);
            assertThat(p.getMessage()).contains("this request has {A=1, DB_PASSWORD=***, GITHUB_SECRET=***,"
                    + " SESSION_TOKEN=***, signing_key=***}").doesNotContain("hunter2").doesNotContain("k1");
        });
        assertThat(Prerequisite.refusal("video-api", requiring(true), RAN, List.of())).get()
                .satisfies(p -> assertThat(p.getMessage()).contains("2.0.0 has not SUCCEEDED in staging"));
    }

    @ParameterizedTest
    @EnumSource(value = Plan.Strategy.class)
    void aPersonsPromoteMarksTheReleaseAndRollgatesOwnDoesNot(Plan.Strategy strategy) {
        Platform platform = new Platform();
        Release progressing = driveTo(pending(strategy), ReleaseState.PROGRESSING, platform);

        Decision byHand = ReleaseMachine.command(progressing, new Command(Command.Type.PROMOTE, ALICE, null),
                T0.plusSeconds(600));
        Release byGates = driveTo(pending(strategy), ReleaseState.SUCCEEDED, new Platform());

        assertThat(byHand.release().promotedByHand()).isTrue();
        assertThat(byHand.events()).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("promotedByHand", true));
        assertThat(byGates.promotedByHand()).isFalse();
        assertThat(byGates.analysisSkipped()).isFalse();
    }
}
