package dev.rollgate.controlplane.platform.local.proxy;

import java.util.Optional;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;

/** Which track serves one request. Pure, so the split can be tested without sockets. */
public final class TrackChooser {

    private TrackChooser() {
    }

    /**
     * @param roll         a uniform draw in 0..99
     * @param forceCanary  the request asked for the canary ({@code canary: true}); honoured at any weight, so a
     *                     blue-green preview or a tester can reach the new version before it takes traffic
     * @return the track, or empty when neither has a ready backend
     */
    public static Optional<Track> choose(Weights weights, boolean stableReady, boolean canaryReady,
                                         boolean forceCanary, int roll) {
        if (forceCanary && canaryReady) {
            return Optional.of(Track.CANARY);
        }
        Track wanted = roll < weights.canary() ? Track.CANARY : Track.STABLE;
        boolean wantedReady = wanted == Track.CANARY ? canaryReady : stableReady;
        if (wantedReady) {
            return Optional.of(wanted);
        }
        // A weight pointing at a track that is not up (yet, or any more) must not turn into errors.
        Track other = wanted == Track.CANARY ? Track.STABLE : Track.CANARY;
        boolean otherReady = other == Track.CANARY ? canaryReady : stableReady;
        return otherReady ? Optional.of(other) : Optional.empty();
    }
}
