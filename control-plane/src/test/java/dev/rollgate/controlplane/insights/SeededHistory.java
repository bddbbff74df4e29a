package dev.rollgate.controlplane.insights;

import java.time.Instant;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;

import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.ReleaseState;

/**
 * Writes ended releases straight into the tables, with times in the past: how a history of weeks is set up without
 * running weeks of releases. Finalized, so the engine leaves them alone.
 */
public record SeededHistory(DatabaseClient db, String application, String environment) {

    /** Inserts an ended release; {@code committed} may be null (a release no push started). */
    public UUID release(ReleaseState state, String committed, String created, String ended) {
        UUID id = UUID.randomUUID();
        var spec = db.sql("insert into releases (id, application, environment, version, strategy, steps,"
                        + " step_duration_ms, inconclusive_grace_ms, failure_limit, error_limit, ready_timeout_ms,"
                        + " analysis, smoke, state, state_changed_at, finalized, started_by_kind, started_by,"
                        + " created_at, updated_at, platform, router, metrics_provider, namespace, base_track,"
                        + " committed_at) values (:id, :a, :e, :v, 'ROLLING', '{}', 1000, 1000, 1, 3, 1000, true,"
                        + " false, :state, :ended, true, 'API', 'seed', :created, :ended, 'scripted', 'scripted',"
                        + " 'scripted', 'default', 'STABLE', :committed)")
                .bind("id", id).bind("a", application).bind("e", environment)
                .bind("v", id.toString().substring(0, 7)).bind("state", state.name())
                .bind("created", Instant.parse(created)).bind("ended", Instant.parse(ended));
        spec = committed == null ? spec.bindNull("committed", Instant.class)
                : spec.bind("committed", Instant.parse(committed));
        spec.then().block();
        event(id, 1, Type.CREATED, created);
        return id;
    }

    public void event(UUID release, int seq, Type type, String at) {
        db.sql("insert into release_events (release_id, seq, type, actor_kind, actor, reason, at)"
                        + " values (:id, :seq, :type, 'SYSTEM', 'rollgate', :type, :at)")
                .bind("id", release).bind("seq", seq).bind("type", type.name()).bind("at", Instant.parse(at))
                .then().block();
    }

    /**
     * Two weeks from Monday 1 June 2020: two successes, a rollback and a failure with its restoring success in the
     * first, nothing in the second. Known answers are in the tests that use it.
     */
    public void twoWeeks() {
        release(ReleaseState.SUCCEEDED, "2020-06-01T09:00:00Z", "2020-06-01T10:00:00Z", "2020-06-01T10:30:00Z");
        release(ReleaseState.SUCCEEDED, null, "2020-06-02T10:00:00Z", "2020-06-02T10:20:00Z");
        UUID rolledBack = release(ReleaseState.ROLLED_BACK, null, "2020-06-03T10:00:00Z", "2020-06-03T10:07:00Z");
        event(rolledBack, 2, Type.GATE_FAILED, "2020-06-03T10:05:00Z");
        event(rolledBack, 3, Type.ROLLBACK_STARTED, "2020-06-03T10:05:00Z");
        event(rolledBack, 4, Type.ROLLED_BACK, "2020-06-03T10:07:00Z");
        release(ReleaseState.FAILED, null, "2020-06-04T11:50:00Z", "2020-06-04T12:00:00Z");
        release(ReleaseState.SUCCEEDED, "2020-06-04T12:00:00Z", "2020-06-04T12:30:00Z", "2020-06-04T13:00:00Z");
    }
}
