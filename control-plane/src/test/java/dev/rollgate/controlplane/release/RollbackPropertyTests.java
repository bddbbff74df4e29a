package dev.rollgate.controlplane.release;

import static dev.rollgate.controlplane.release.MachineFixtures.ALICE;
import static dev.rollgate.controlplane.release.MachineFixtures.OLD;
import static dev.rollgate.controlplane.release.MachineFixtures.SMOKE_OK;
import static dev.rollgate.controlplane.release.MachineFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import dev.rollgate.controlplane.release.port.SmokeChecker.SmokeResult;
import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.release.MachineFixtures.Platform;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * From any state a random history of commands and observations can reach, a rollback ends with all traffic on
 * stable (running the previous version) and the candidate retired.
 */
class RollbackPropertyTests {

    @Property(tries = 500)
    void rollbackFromAnyReachableStateRestoresStable(@ForAll Plan.Strategy strategy,
                                                     @ForAll("walks") List<Integer> walk) {
        Platform platform = new Platform();
        Release r = MachineFixtures.pending(strategy);
        Instant now = T0;
        for (int input : walk) {
            now = now.plusSeconds(input % 3 == 0 ? 31 : 1);
            Decision d = step(r, input, platform, now);
            platform.apply(d.effects());
            r = d.release();
            if (r.state().terminal()) {
                return;
            }
        }
        if (r.state() != ReleaseState.ROLLING_BACK) {
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

        assertThat(r.state()).isEqualTo(ReleaseState.ROLLED_BACK);
        assertThat(platform.weights).isEqualTo(Weights.ALL_STABLE);
        assertThat(platform.tracks.get(Track.STABLE).serves(OLD.version())).isTrue();
        assertThat(platform.tracks.get(Track.CANARY).scaledToZero()).isTrue();
    }

    private static Decision step(Release r, int input, Platform platform, Instant now) {
        return switch (input % 9) {
            case 0 -> ReleaseMachine.command(r, new Command(Command.Type.PROMOTE, ALICE, null), now);
            case 1 -> ReleaseMachine.command(r, new Command(Command.Type.PAUSE, ALICE, null), now);
            case 2 -> ReleaseMachine.command(r, new Command(Command.Type.RESUME, ALICE, null), now);
            case 3 -> ReleaseMachine.observe(r, platform.see(now, MachineFixtures.all(Verdict.INCONCLUSIVE), SMOKE_OK));
            case 4 -> ReleaseMachine.observe(r, platform.see(now, MachineFixtures.all(Verdict.ERROR), SMOKE_OK));
            case 5 -> ReleaseMachine.observe(r, platform.see(now, List.of(), new SmokeResult(1, List.of("500"))));
            default -> ReleaseMachine.observe(r, platform.see(now, MachineFixtures.all(Verdict.PASS), SMOKE_OK));
        };
    }

    @Provide
    Arbitrary<List<Integer>> walks() {
        return Arbitraries.integers().between(0, 1000).list().ofMaxSize(40);
    }
}
