package dev.rollgate.controlplane.release;

import static dev.rollgate.controlplane.release.MachineFixtures.ALICE;
import static dev.rollgate.controlplane.release.MachineFixtures.NEW;
import static dev.rollgate.controlplane.release.MachineFixtures.OLD;
import static dev.rollgate.controlplane.release.MachineFixtures.T0;
import static dev.rollgate.controlplane.release.MachineFixtures.all;
import static dev.rollgate.controlplane.release.MachineFixtures.driveTo;
import static dev.rollgate.controlplane.release.MachineFixtures.pending;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.release.MachineFixtures.Platform;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.port.TrackStatus;

/** Adapter errors and deadlines are inputs of the machine, never a silent retry loop. */
class AdapterFaultTests {

    private static final AdapterError REFUSED = new AdapterError("apply 1.1.0 to the canary track", true,
            "deployments.apps \"video-api-canary\" is forbidden");
    private static final AdapterError OUTAGE = new AdapterError("status of the canary track", false,
            "connection refused");

    @Test
    void aRefusalBeforeTrafficMovedEndsTheReleaseFailedWithThePlatformsMessage() {
        Release deploying = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.DEPLOYING, new Platform());

        Decision d = ReleaseMachine.observe(deploying, Observation.failed(T0.plusSeconds(1), REFUSED));

        assertThat(d.release().state()).isEqualTo(ReleaseState.FAILED);
        assertThat(d.events().get(0).reason()).contains("is forbidden").contains("refused by the platform");
        assertThat(d.effects()).contains(new Effect.ScaleToZero(Track.CANARY));
    }

    @Test
    void aRefusalAfterTrafficMovedRollsBack() {
        Release progressing = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.PROGRESSING, new Platform());

        Decision d = ReleaseMachine.observe(progressing, Observation.failed(T0.plusSeconds(1), REFUSED));

        assertThat(d.release().state()).isEqualTo(ReleaseState.ROLLING_BACK);
        assertThat(d.events()).extracting(ReleaseEvent::reason).anySatisfy(r -> assertThat(r).contains("forbidden"));
    }

    @Test
    void transientErrorsAreCountedAndPauseTheReleaseAtTheErrorLimit() {
        Release r = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.DEPLOYING, new Platform());
        Instant now = T0;
        for (int i = 1; i < r.plan().errorLimit(); i++) {
            now = now.plusSeconds(1);
            Decision d = ReleaseMachine.observe(r, Observation.failed(now, OUTAGE));
            assertThat(d.release().state()).isEqualTo(ReleaseState.DEPLOYING);
            assertThat(d.release().consecutiveErrors()).isEqualTo(i);
            assertThat(d.events()).isEmpty();
            r = d.release();
        }

        Decision paused = ReleaseMachine.observe(r, Observation.failed(now.plusSeconds(1), OUTAGE));

        assertThat(paused.release().state()).isEqualTo(ReleaseState.PAUSED);
        assertThat(paused.release().pausedFrom()).isEqualTo(ReleaseState.DEPLOYING);
        assertThat(paused.events().get(0).reason()).contains("platform failed 4 times in a row")
                .contains("connection refused");
        Decision resumed = ReleaseMachine.command(paused.release(), new Command(Command.Type.RESUME, ALICE, null),
                now.plusSeconds(2));
        assertThat(resumed.release().state()).isEqualTo(ReleaseState.DEPLOYING);
        assertThat(resumed.release().consecutiveErrors()).isZero();
    }

    @Test
    void aCleanLookAtThePlatformEndsARunOfErrors() {
        Platform platform = new Platform();
        Release deploying = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.DEPLOYING, platform);
        Release once = ReleaseMachine.observe(deploying, Observation.failed(T0.plusSeconds(1), OUTAGE)).release();

        platform.tracks.put(Track.CANARY, MachineFixtures.starting(NEW, "starting"));
        Decision clean = ReleaseMachine.observe(once, platform.see(T0.plusSeconds(2), List.of(), null));

        assertThat(once.consecutiveErrors()).isEqualTo(1);
        assertThat(clean.release().consecutiveErrors()).isZero();
        assertThat(clean.release().state()).isEqualTo(ReleaseState.DEPLOYING);
    }

    @Test
    void anUnreadablePlatformNeverCountsAsRestored() {
        Release rollingBack = rollingBack();

        Decision d = ReleaseMachine.observe(rollingBack, Observation.failed(T0.plusSeconds(5),
                new AdapterError("traffic weights", false, "503 from the API server")));

        assertThat(d.release().state()).isEqualTo(ReleaseState.ROLLING_BACK);
        assertThat(d.events()).isEmpty();
    }

    @Test
    void aRollbackThatCannotRestoreEndsFailedAskingForAPersonAfterTheRestoreDeadline() {
        Release rollingBack = rollingBack();
        // The previous version never comes back: the stable track stays on the candidate's revision.
        Platform stuck = new Platform();
        stuck.tracks.put(Track.STABLE, MachineFixtures.starting(OLD, "ImagePullBackOff"));
        Instant started = rollingBack.stateChangedAt();

        Decision early = ReleaseMachine.observe(rollingBack, stuck.see(started.plusSeconds(299), List.of(), null));
        Decision late = ReleaseMachine.observe(rollingBack, stuck.see(started.plusSeconds(301), List.of(), null));

        assertThat(early.release().state()).isEqualTo(ReleaseState.ROLLING_BACK);
        assertThat(late.release().state()).isEqualTo(ReleaseState.FAILED);
        assertThat(late.release().finalized()).as("no effect may touch the platform again").isTrue();
        assertThat(late.effects()).isEmpty();
        assertThat(late.events().get(0).reason()).contains("manual action needed").contains("300 s")
                .contains("ImagePullBackOff");
        assertThat(late.events().get(0).data()).containsEntry("manualActionNeeded", true);
    }

    @Test
    void transientErrorsDuringARollbackStillMeetTheRestoreDeadline() {
        Release rollingBack = rollingBack();
        Instant started = rollingBack.stateChangedAt();

        Decision early = ReleaseMachine.observe(rollingBack, Observation.failed(started.plusSeconds(10), OUTAGE));
        Decision late = ReleaseMachine.observe(early.release(), Observation.failed(started.plusSeconds(301), OUTAGE));

        assertThat(early.release().state()).isEqualTo(ReleaseState.ROLLING_BACK);
        assertThat(late.release().state()).isEqualTo(ReleaseState.FAILED);
        assertThat(late.events().get(0).reason()).contains("manual action needed").contains("connection refused");
    }

    @Test
    void aRefusedRollbackHandsTheTargetToAPersonAtOnce() {
        Decision d = ReleaseMachine.observe(rollingBack(), Observation.failed(T0.plusSeconds(1), REFUSED));

        assertThat(d.release().state()).isEqualTo(ReleaseState.FAILED);
        assertThat(d.release().finalized()).isTrue();
        assertThat(d.events().get(0).reason()).contains("manual action needed").contains("refused");
    }

    @Test
    void onlyAnAdminMayAbandonARollbackInProgress() {
        Release rollingBack = rollingBack();

        Decision manager = ReleaseMachine.command(rollingBack, new Command(Command.Type.ABORT, ALICE, "stuck"), T0);
        Decision admin = ReleaseMachine.command(rollingBack, new Command(Command.Type.ABORT, ALICE, "stuck", true), T0);

        assertThat(manager.refusedCommand()).isTrue();
        assertThat(manager.forbidden()).isTrue();
        assertThat(manager.refusal()).contains("admin");
        assertThat(admin.release().state()).isEqualTo(ReleaseState.ABORTED);
        assertThat(admin.release().finalized()).isTrue();
        assertThat(admin.effects()).isEmpty();
        assertThat(admin.events().get(0).reason()).contains("stuck").contains("manual action needed");
    }

    @Test
    void aPromotionThatNeverConvergesRollsBackAfterTheReadyTimeout() {
        Platform platform = new Platform();
        Release promoting = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.PROMOTING, platform);
        // The stable track was asked for the candidate but never finishes rolling.
        platform.tracks.put(Track.STABLE, new TrackStatus(NEW.digest(), NEW.version(), 3, 1, 3, 1, true, null,
                "1 of 3 updated"));
        Instant started = promoting.stateChangedAt();

        Decision waiting = ReleaseMachine.observe(promoting, platform.see(started.plusSeconds(119), List.of(), null));
        Decision late = ReleaseMachine.observe(promoting, platform.see(started.plusSeconds(121), List.of(), null));

        assertThat(waiting.release().state()).isEqualTo(ReleaseState.PROMOTING);
        assertThat(late.release().state()).isEqualTo(ReleaseState.ROLLING_BACK);
        assertThat(late.events()).extracting(ReleaseEvent::reason)
                .anySatisfy(r -> assertThat(r).contains("promotion failed").contains("not ready within 120 s"));
    }

    @Test
    void aStatusFromBeforeThePlatformCaughtUpDoesNotCountAsServing() {
        Platform platform = new Platform();
        Release deploying = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.DEPLOYING, platform);
        platform.tracks.put(Track.CANARY, new TrackStatus(NEW.digest(), NEW.version(), 1, 1, 1, 1, false, null, null));

        Decision d = ReleaseMachine.observe(deploying, platform.see(T0.plusSeconds(1), all(Verdict.PASS), null));

        assertThat(d.release().state()).isEqualTo(ReleaseState.DEPLOYING);
    }

    @Test
    void aConfigurationOnlyChangeIsADifferentRevision() {
        Revision same = new Revision(OLD.version(), OLD.image(), java.util.Map.of("VIDEOAPI_FAULTS_ERROR_RATE", "0.3"));

        assertThat(same.digest()).isNotEqualTo(OLD.digest());
        assertThat(MachineFixtures.running(OLD).serves(same.digest())).isFalse();
        assertThat(new Revision("1.0.0", null, java.util.Map.of("A", "1")).digest())
                .isEqualTo(new Revision("1.0.0", null, java.util.Map.of("A", "1")).digest());
    }

    private static Release rollingBack() {
        Platform platform = new Platform();
        Release progressing = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.PROGRESSING, platform);
        return ReleaseMachine.command(progressing, new Command(Command.Type.ROLLBACK, ALICE, null), T0).release();
    }
}
