package dev.rollgate.controlplane.release;

import java.time.Instant;
import java.util.Map;

/** An append-only fact about a release. {@code data} holds the figures (weights, gate values, ...). */
public record ReleaseEvent(Type type, Actor actor, String reason, Map<String, Object> data, Instant at) {

    public enum Type {
        CREATED, DEPLOYING, CANDIDATE_READY, SMOKE_PASSED, SMOKE_FAILED, STEP_ADVANCED, GATE_FAILED,
        PAUSED, RESUMED, PROMOTING, SUCCEEDED, ROLLBACK_STARTED, ROLLED_BACK, ABORTED, FAILED,
        /** An ended release could not retire its candidate; what is left needs a person. */
        CLEANUP_FAILED,
        /** Someone else changed the release's route (a GitOps sync, a hand edit); Rollgate put its own back. */
        ROUTE_RESTORED
    }

    public ReleaseEvent {
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
