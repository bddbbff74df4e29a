package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.support.EngineTest;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import dev.rollgate.controlplane.support.ScriptedWorld.Behaviour;

/** Candidate compared with stable through the real reconciler: stable's readings reach the machine. */
@EngineTest
class RelativeGatesEngineTests {

    private static final ScriptedWorld world = ScriptedWorld.INSTANCE;

    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    private static Behaviour errors(long bad, long total) {
        return new Behaviour(true, false, gate -> gate == GateKind.ERROR_RATE ? new Sample(bad, total, null)
                : ScriptedWorld.HEALTHY.apply(gate), List.of());
    }

    @Test
    void pausesInsteadOfRollingBackWhenStableFailsToo() {
        driver.establish("rel-a", "staging", "ra-1.0.0");
        world.script("ra-1.0.0", errors(100, 285));
        world.script("ra-1.1.0", errors(6, 15));

        Release release = driver.start("rel-a", "staging", "ra-1.1.0");
        Release paused = driver.awaitState(release.id(), ReleaseState.PAUSED);

        assertThat(paused.pausedFrom()).isEqualTo(ReleaseState.PROGRESSING);
        ReleaseEvent pause = driver.events(release.id()).stream().filter(e -> e.type() == Type.PAUSED)
                .findFirst().orElseThrow();
        assertThat(pause.reason()).startsWith("stable is failing too (40.00 % vs 35.09 % on error-rate");
        assertThat(driver.eventTypes(release.id())).doesNotContain(Type.ROLLBACK_STARTED);
    }

    @Test
    void rollsBackACandidateWorseThanStableBelowTheAbsoluteThreshold() {
        driver.establish("rel-b", "staging", "rb-1.0.0");
        world.script("rb-1.0.0", errors(19, 3800));
        // 10.83 %: the absolute gate cannot prove it above 5 % yet (Wilson lower bound 4.6 %), but it is more than
        // the 4-point margin worse than stable (the difference's lower bound is 4.3 points).
        world.script("rb-1.1.0", errors(13, 120));

        Release release = driver.start("rel-b", "staging", "rb-1.1.0");
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);

        ReleaseEvent rollback = driver.events(release.id()).stream().filter(e -> e.type() == Type.ROLLBACK_STARTED)
                .findFirst().orElseThrow();
        assertThat(rollback.reason()).startsWith("gate error-rate 10.83 % vs threshold 5.00 % (13 bad of 120)")
                .contains("worse than stable's 0.50 % (19 bad of 3800)");
    }
}
