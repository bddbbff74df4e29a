package dev.rollgate.controlplane.release.persistence;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.Placement;
import dev.rollgate.controlplane.release.Plan;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import io.r2dbc.spi.Readable;

/** Maps a {@code releases} row to a {@link Release}. */
final class ReleaseRows {

    static final String COLUMNS = "id, application, environment, version, image, config::text as config, commit_sha,"
            + " previous_version, previous_image, previous_config::text as previous_config, strategy, steps,"
            + " step_duration_ms, inconclusive_grace_ms, failure_limit, error_limit, ready_timeout_ms, analysis,"
            + " smoke, state, paused_from, step, weight, step_started_at, state_changed_at, failures,"
            + " consecutive_errors, finalized, promoted_by_hand, started_by_kind, started_by, created_at, lock_version,"
            + " platform, router, metrics_provider, namespace, base_track, restore_timeout_ms";

    private ReleaseRows() {
    }

    /** Rows from before the track was recorded ran on stable. */
    private static Track track(String name) {
        return name == null ? Track.STABLE : Track.valueOf(name);
    }

    static Release map(Readable row, JsonColumns json) {
        Map<String, String> config = json.readStrings(row.get("config", String.class));
        String previousVersion = row.get("previous_version", String.class);
        Revision previous = previousVersion == null ? null : new Revision(previousVersion,
                row.get("previous_image", String.class), json.readStrings(row.get("previous_config", String.class)));
        Integer[] steps = row.get("steps", Integer[].class);
        Plan plan = new Plan(Plan.Strategy.valueOf(row.get("strategy", String.class)),
                steps == null ? List.of() : Arrays.asList(steps),
                Duration.ofMillis(row.get("step_duration_ms", Long.class)),
                Duration.ofMillis(row.get("inconclusive_grace_ms", Long.class)),
                row.get("failure_limit", Integer.class), row.get("error_limit", Integer.class),
                Duration.ofMillis(row.get("ready_timeout_ms", Long.class)),
                Duration.ofMillis(row.get("restore_timeout_ms", Long.class)),
                row.get("analysis", Boolean.class), row.get("smoke", Boolean.class));
        String pausedFrom = row.get("paused_from", String.class);
        return new Release(
                row.get("id", UUID.class),
                row.get("application", String.class),
                row.get("environment", String.class),
                new Revision(row.get("version", String.class), row.get("image", String.class), config),
                previous,
                row.get("commit_sha", String.class),
                plan,
                new Placement(row.get("platform", String.class), row.get("router", String.class),
                        row.get("metrics_provider", String.class), row.get("namespace", String.class),
                        track(row.get("base_track", String.class))),
                ReleaseState.valueOf(row.get("state", String.class)),
                pausedFrom == null ? null : ReleaseState.valueOf(pausedFrom),
                row.get("step", Integer.class),
                row.get("weight", Integer.class),
                row.get("step_started_at", Instant.class),
                row.get("state_changed_at", Instant.class),
                row.get("failures", Integer.class),
                row.get("consecutive_errors", Integer.class),
                row.get("finalized", Boolean.class),
                row.get("promoted_by_hand", Boolean.class),
                new Actor(Actor.Kind.valueOf(row.get("started_by_kind", String.class)),
                        row.get("started_by", String.class)),
                row.get("created_at", Instant.class),
                row.get("lock_version", Long.class));
    }
}
