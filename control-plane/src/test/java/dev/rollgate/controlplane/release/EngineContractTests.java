package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.EngineTest;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import dev.rollgate.controlplane.support.ScriptedWorld.Behaviour;

/**
 * The engine's contract with its adapters, through the real reconciler and PostgreSQL: failures reach the
 * machine, unknown stays unknown, an ended release never acts once the next one may start, placement is frozen.
 */
@EngineTest
class EngineContractTests {

    private static final ScriptedWorld world = ScriptedWorld.INSTANCE;

    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    DatabaseClient db;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    @AfterEach
    void calm() {
        world.clearFaults();
    }

    @Test
    void anEndedReleaseHoldsItsTargetUntilItsLastEffectsAreDone() {
        driver.establish("fence-a", "staging", "fa-1.0.0");
        world.script("fa-1.1.0", new Behaviour(false, true, ScriptedWorld.HEALTHY, List.of()));
        world.scriptHealthy("fa-1.2.0");
        // Retiring the failed candidate keeps failing for now.
        world.fail("fence-a/staging", "scale", false, -1);

        Release failed = driver.start("fence-a", "staging", "fa-1.1.0");
        driver.awaitState(failed.id(), ReleaseState.FAILED);

        // Were the next release let in now, the failed one's pending "scale canary 0" would stop its canary.
        assertThatThrownBy(() -> driver.start("fence-a", "staging", "fa-1.2.0"))
                .isInstanceOfSatisfying(ReleaseProblem.class, p -> {
                    assertThat(p.kind()).isEqualTo(ReleaseProblem.Kind.CONFLICT);
                    assertThat(p.title()).isEqualTo("Release still finishing");
                    assertThat(p.getMessage()).contains(failed.id().toString()).contains("FAILED");
                });
        assertThat(releases.findById(failed.id()).block().finalized()).isFalse();

        world.clearFaults();
        driver.awaitSettled(failed.id(), ReleaseState.FAILED);
        Release next = driver.start("fence-a", "staging", "fa-1.2.0");
        driver.awaitSettled(next.id(), ReleaseState.SUCCEEDED);
        assertThat(world.versionOf("fence-a/staging", Track.STABLE)).isEqualTo("fa-1.2.0");
    }

    @Test
    void anEndedReleaseThatCannotRetireItsCandidateFreesTheTargetAfterTheRestoreDeadline() {
        driver.establish("fence-b", "staging", "fb-1.0.0");
        world.script("fb-1.1.0", new Behaviour(false, true, ScriptedWorld.HEALTHY, List.of()));
        world.fail("fence-b/staging", "scale", false, -1);

        Release failed = driver.start("fence-b", "staging", "fb-1.1.0");
        driver.awaitSettled(failed.id(), ReleaseState.FAILED);

        assertThat(driver.events(failed.id())).filteredOn(e -> e.type() == Type.CLEANUP_FAILED).singleElement()
                .satisfies(e -> {
                    assertThat(e.reason()).contains("manual action needed").contains("scale the canary track to zero")
                            .contains("scripted outage");
                    assertThat(e.data()).containsEntry("manualActionNeeded", true);
                });
    }

    @Test
    void aPlatformThatAnswersNothingIsNeverReadAsRestored() {
        driver.establish("fault-a", "staging", "xa-1.0.0");
        world.scriptHealthy("xa-1.1.0");
        Release release = driver.start("fault-a", "staging", "xa-1.1.0");
        driver.awaitState(release.id(), ReleaseState.PROGRESSING);
        // The canary keeps running (it cannot be stopped) while its status and the weights answer nothing: an
        // empty answer read as "absent" and "all stable" is exactly what a finished rollback looks like.
        world.fail("fault-a/staging", "scale", false, -1);
        world.answerNothing("fault-a/staging", "status-canary");
        world.answerNothing("fault-a/staging", "weights");

        service.command(release.id(), new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER, "test"), null).block();

        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
                .until(() -> releases.findById(release.id()).block().state() == ReleaseState.ROLLING_BACK);
        assertThat(world.status("fault-a/staging", Track.CANARY).desired()).as("the canary still runs").isEqualTo(1);
        world.clearFaults();
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);
        assertThat(world.status("fault-a/staging", Track.CANARY).scaledToZero()).isTrue();
    }

    @Test
    void transientPlatformErrorsPauseTheReleaseWithTheReasonAtTheErrorLimit() {
        driver.establish("fault-b", "staging", "xb-1.0.0");
        world.scriptHealthy("xb-1.1.0");
        world.fail("fault-b/staging", "apply", false, -1);

        Release release = driver.start("fault-b", "staging", "xb-1.1.0");
        Release paused = driver.awaitState(release.id(), ReleaseState.PAUSED);

        assertThat(paused.pausedFrom()).isEqualTo(ReleaseState.DEPLOYING);
        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == Type.PAUSED).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("platform failed 3 times in a row")
                        .containsPattern("apply xb-1\\.[01]\\.0 to the (stable|canary) track").contains("scripted outage"));

        world.clearFaults();
        service.command(release.id(), new Command(Command.Type.RESUME, ReleaseDriver.TESTER, "fixed"), null).block();
        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);
    }

    @Test
    void aRefusalFromThePlatformEndsTheReleaseWithThePlatformsOwnMessage() {
        driver.establish("fault-c", "staging", "xc-1.0.0");
        world.scriptHealthy("xc-1.1.0");
        world.fail("fault-c/staging", "apply", true, -1);

        Release release = driver.start("fault-c", "staging", "xc-1.1.0");
        driver.awaitSettled(release.id(), ReleaseState.FAILED);

        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == Type.FAILED).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("refused by the platform")
                        .contains("scripted refusal of apply"));
    }

    @Test
    void aSmokeCheckerThatCannotCheckIsAnErrorNotAFailedSmokeCheck() {
        driver.establish("fault-d", "preview", "xd-1.0.0");
        world.scriptHealthy("xd-1.1.0");
        world.fail("fault-d/preview", "smoke", false, 2);

        Release release = driver.start("fault-d", "preview", "xd-1.1.0");
        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);

        assertThat(driver.eventTypes(release.id())).doesNotContain(Type.SMOKE_FAILED, Type.ROLLBACK_STARTED)
                .contains(Type.SMOKE_PASSED);
    }

    @Test
    void aRunningReleaseKeepsThePlacementItWasCreatedWith() {
        driver.establish("place-a", "staging", "pa-1.0.0");
        world.script("pa-1.1.0", new Behaviour(false, false, ScriptedWorld.HEALTHY, List.of()));
        Release release = driver.start("place-a", "staging", "pa-1.1.0");
        assertThat(release.placement()).isEqualTo(new Placement("scripted", "scripted", "scripted", "video-staging",
                Track.STABLE));
        assertThat(releases.findById(release.id()).block().placement()).isEqualTo(release.placement());
        driver.awaitState(release.id(), ReleaseState.DEPLOYING);

        // Whatever the environment says now, the release is driven where it was placed: here, nowhere.
        db.sql("update releases set platform = 'gone' where id = :id").bind("id", release.id()).then().block();
        Release paused = driver.awaitState(release.id(), ReleaseState.PAUSED);

        assertThat(paused.placement().platform()).isEqualTo("gone");
        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == Type.PAUSED).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("platform 'gone' is not available"));
        Map<String, Object> created = driver.events(release.id()).get(0).data();
        assertThat(created).containsEntry("platform", "scripted").containsEntry("revision",
                release.candidate().digest());
    }

    @Test
    void putsBackWeightsSomeoneElseChangedAndRecordsIt() {
        world.scriptHealthy("da-1.0.0");
        Release first = driver.start("drift-a", "slow-canary", "da-1.0.0");
        driver.awaitState(first.id(), ReleaseState.PROGRESSING);
        service.command(first.id(), new Command(Command.Type.PROMOTE, ReleaseDriver.TESTER, "first"), null).block();
        driver.awaitSettled(first.id(), ReleaseState.SUCCEEDED);
        world.scriptHealthy("da-1.1.0");
        Release release = driver.start("drift-a", "slow-canary", "da-1.1.0");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(world.weights("drift-a/slow-canary"))
                .as("%s %s", releases.findById(release.id()).block(), world.changes("drift-a/slow-canary"))
                .isEqualTo(Weights.canary(5).withPreview(Track.CANARY)));

        world.editBehindRollgate("drift-a/slow-canary", Weights.ALL_STABLE);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(driver.events(release.id()))
                .filteredOn(e -> e.type() == Type.ROUTE_RESTORED).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("weights were 100/0 where Rollgate set 95/5")));
        assertThat(world.weights("drift-a/slow-canary").canary()).isEqualTo(5);
        assertThat(releases.findById(release.id()).block().state()).isEqualTo(ReleaseState.PROGRESSING);
        service.command(release.id(), new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER, "done"), null).block();
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);
    }
}
