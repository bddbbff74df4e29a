package dev.rollgate.controlplane.release;

import static dev.rollgate.controlplane.release.MachineFixtures.ALICE;
import static dev.rollgate.controlplane.release.MachineFixtures.NEW;
import static dev.rollgate.controlplane.release.MachineFixtures.OLD;
import static dev.rollgate.controlplane.release.MachineFixtures.SMOKE_OK;
import static dev.rollgate.controlplane.release.MachineFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.release.MachineFixtures.Platform;
import dev.rollgate.controlplane.release.port.SmokeChecker.SmokeResult;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * From any state a random history of commands and observations can reach, the release ends with the platform as
 * its outcome says: rolled back, aborted or failed means all traffic on the previous version's track running it and
 * the candidate retired; succeeded means all traffic on the new version where its strategy leaves it. Walks that end
 * on their own are checked as strictly as those that end in a rollback.
 */
class RollbackPropertyTests {

    @Property(tries = 600)
    void everyWalkEndsWithThePlatformAsItsOutcomeSays(@ForAll Plan.Strategy strategy, @ForAll Track base,
                                                      @ForAll("walks") List<Integer> walk) {
        Platform platform = new Platform(base);
        Release r = MachineFixtures.pending(MachineFixtures.plan(strategy), base);
        Instant now = T0;
        boolean endedOnItsOwn = false;
        for (int input : walk) {
            now = now.plusSeconds(input % 3 == 0 ? 31 : 1);
            Decision d = step(r, input, platform, now);
            platform.apply(d.effects());
            r = d.release();
            if (r.finalized()) {
                // Handed over to a person: the machine must not touch the platform on the way out.
                assertThat(d.effects()).isEmpty();
                assertThat(d.events()).anySatisfy(e -> assertThat(e.reason()).contains("manual action needed"));
                Statistics.label("outcome").collect("handed over: " + r.state());
                return;
            }
            if (r.state().terminal()) {
                endedOnItsOwn = true;
                break;
            }
        }
        if (!endedOnItsOwn && r.state() != ReleaseState.ROLLING_BACK) {
            Decision d = ReleaseMachine.command(r, new Command(Command.Type.ROLLBACK, ALICE, null), now);
            assertThat(d.refusedCommand()).as("rollback refused in %s", r.state()).isFalse();
            platform.apply(d.effects());
            r = d.release();
        }
        for (int i = 0; i < 5 && r.state() == ReleaseState.ROLLING_BACK; i++) {
            // The reconciler re-applies the state's effects every tick before observing.
            platform.apply(ReleaseMachine.desired(r));
            Decision d = ReleaseMachine.observe(r, platform.see(now, List.of(), null));
            platform.apply(d.effects());
            r = d.release();
        }
        // An ended release is converged once more before it is finalized.
        platform.apply(ReleaseMachine.desired(r));
        Statistics.label("outcome").collect(endedOnItsOwn ? "ended on its own: " + r.state() : "rolled back: " + r.state());

        Track other = base.other();
        boolean sideBySide = strategy.sideBySide();
        switch (r.state()) {
            case SUCCEEDED -> {
                Track live = r.liveTrackWhenSucceeded();
                assertThat(platform.tracks.get(live).serves(NEW.digest())).as("new version live on %s", live).isTrue();
                if (sideBySide) {
                    assertThat(platform.weights.of(live)).isEqualTo(100);
                    assertThat(platform.tracks.get(live.other()).scaledToZero()).isTrue();
                }
            }
            case ROLLED_BACK, ABORTED, FAILED -> {
                assertThat(platform.tracks.get(base).serves(OLD.digest())).as("previous version back on %s", base)
                        .isTrue();
                if (sideBySide) {
                    assertThat(platform.weights.of(base)).isEqualTo(100);
                    assertThat(platform.tracks.get(other).scaledToZero()).isTrue();
                }
            }
            default -> throw new AssertionError("walk ended in " + r.state());
        }
    }

    private static Decision step(Release r, int input, Platform platform, Instant now) {
        return switch (input % 12) {
            case 10 -> ReleaseMachine.observe(r, Observation.failed(now, new AdapterError("status", false, "503")));
            case 11 -> input % 7 == 0
                    ? ReleaseMachine.observe(r, Observation.failed(now, new AdapterError("apply", true, "forbidden")))
                    : ReleaseMachine.observe(r, platform.see(now, MachineFixtures.all(Verdict.PASS), SMOKE_OK));
            case 0 -> ReleaseMachine.command(r, new Command(Command.Type.PROMOTE, ALICE, null), now);
            case 1 -> ReleaseMachine.command(r, new Command(Command.Type.PAUSE, ALICE, null), now);
            case 2 -> ReleaseMachine.command(r, new Command(Command.Type.RESUME, ALICE, null), now);
            case 3 -> ReleaseMachine.observe(r, platform.see(now, MachineFixtures.all(Verdict.INCONCLUSIVE), SMOKE_OK));
            case 4 -> ReleaseMachine.observe(r, platform.see(now, MachineFixtures.all(Verdict.ERROR), SMOKE_OK));
            case 5 -> ReleaseMachine.observe(r, platform.see(now, List.of(), new SmokeResult(1, List.of("500"))));
            case 6 -> ReleaseMachine.command(r, new Command(Command.Type.ABORT, ALICE, null), now);
            case 7 -> ReleaseMachine.observe(r, platform.see(now, MachineFixtures.all(Verdict.FAIL), SMOKE_OK));
            default -> ReleaseMachine.observe(r, platform.see(now, MachineFixtures.all(Verdict.PASS), SMOKE_OK));
        };
    }

    @Provide
    Arbitrary<List<Integer>> walks() {
        return Arbitraries.integers().between(0, 1000).list().ofMaxSize(40);
    }
}
