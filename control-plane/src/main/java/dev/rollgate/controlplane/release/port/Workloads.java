package dev.rollgate.controlplane.release.port;

import java.util.Optional;

import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import reactor.core.publisher.Mono;

/**
 * Runs the tracks of a target. Errors: {@link AdapterException} says whether the platform refused for good
 * (permanent) or may succeed on a retry; any other error counts as transient.
 */
public interface Workloads {

    /** The platform name environments select it by ({@code rollgate.environments.*.platform}). */
    String platform();

    /** Create or update the track to run {@code revision} (maxSurge 1, maxUnavailable 0); idempotent, writes nothing when the platform already has it. */
    Mono<Void> apply(Target target, Track track, Revision revision);

    /** The observed state; an absent track is {@link TrackStatus#absent()}, never an error, and an unreadable one is an error, never absent. */
    Mono<TrackStatus> status(Target target, Track track);

    /** Stop every replica of the track; idempotent, writes nothing when it already runs none. */
    Mono<Void> scaleToZero(Target target, Track track);

    /** Why the platform cannot take a release of {@code target} now (cluster unreachable, namespace missing), said for people, or empty; a read, bounded and cheap enough to ask before every start. */
    default Mono<Optional<String>> unavailable(Target target) {
        return Mono.just(Optional.empty());
    }
}
