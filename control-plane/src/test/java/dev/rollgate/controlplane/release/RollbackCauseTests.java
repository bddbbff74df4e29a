package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.release.ReleaseEvent.Type;

class RollbackCauseTests {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private static ReleaseEvent at(Type type, long seconds) {
        return new ReleaseEvent(type, Actor.SYSTEM, null, Map.of(), T0.plusSeconds(seconds));
    }

    @Test
    void aGateRollbackIsTimedFromTheFailingReadingThatStartedIt() {
        ReleaseEvent cause = at(Type.GATE_FAILED, 7200);
        List<ReleaseEvent> history = List.of(at(Type.CREATED, 0), at(Type.GATE_FAILED, 60), at(Type.STEP_ADVANCED, 120),
                cause, at(Type.ROLLBACK_STARTED, 7200), at(Type.ROLLED_BACK, 7205));

        assertThat(ReleaseMetrics.rollbackCause(history)).as("not the failure recovered from at 60 s").isSameAs(cause);
    }

    @Test
    void aRollbackStartedByAPersonAfterAnOldFailureIsTimedFromItself() {
        ReleaseEvent started = at(Type.ROLLBACK_STARTED, 7200);
        List<ReleaseEvent> history = List.of(at(Type.CREATED, 0), at(Type.GATE_FAILED, 60), at(Type.STEP_ADVANCED, 120),
                started, at(Type.ROLLED_BACK, 7205));

        assertThat(ReleaseMetrics.rollbackCause(history)).isSameAs(started);
    }

    @Test
    void noRollbackHasNoCause() {
        assertThat(ReleaseMetrics.rollbackCause(List.of(at(Type.CREATED, 0), at(Type.SUCCEEDED, 60)))).isNull();
    }
}
