package dev.rollgate.controlplane.release.port;

import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import reactor.core.publisher.Mono;

/** Runs tracks of a target. Every operation is idempotent: repeating it with the same input changes nothing. */
public interface Workloads {

    /** The platform name environments select it by ({@code rollgate.environments.*.platform}). */
    String platform();

    /** Create or update the track to run {@code revision} (rolling: maxSurge 1, maxUnavailable 0). */
    Mono<Void> apply(Target target, Track track, Revision revision);

    Mono<TrackStatus> status(Target target, Track track);

    Mono<Void> scaleToZero(Target target, Track track);
}
