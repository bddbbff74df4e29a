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
     * @param preview      the request asked for the preview ({@code canary: true}); it reaches the weights'
     *                     preview track at any weight, so a blue-green idle colour can be smoke-tested and a tester
     *                     can reach a canary before it takes traffic; without a preview the weights decide
     * @return the track, or empty when neither has a ready backend
     */
    public static Optional<Track> choose(Weights weights, boolean stableReady, boolean canaryReady,
                                         boolean preview, int roll) {
        Track previewTrack = weights.preview();
        if (preview && previewTrack != null && (previewTrack == Track.CANARY ? canaryReady : stableReady)) {
            return Optional.of(previewTrack);
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
