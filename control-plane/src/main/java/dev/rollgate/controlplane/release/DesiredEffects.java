package dev.rollgate.controlplane.release;

import java.util.ArrayList;
import java.util.List;

import dev.rollgate.controlplane.release.Effect.ApplyTrack;
import dev.rollgate.controlplane.release.Effect.Route;
import dev.rollgate.controlplane.release.Effect.ScaleToZero;

/**
 * What the platform must look like in each state, derived from the release alone (level-triggered), so applying
 * it again on every tick repairs a crash and costs nothing once the platform matches. "Base" is the track the
 * previous version is live on, "other" the one beside it.
 */
final class DesiredEffects {

    private DesiredEffects() {
    }

    static List<Effect> of(Release release) {
        Plan.Strategy strategy = release.plan().strategy();
        ReleaseState state = release.state() == ReleaseState.PAUSED ? release.pausedFrom() : release.state();
        Track base = release.baseTrack();
        Track other = base.other();
        Revision candidate = release.candidate();
        if (state == null) {
            throw new IllegalStateException("paused release without pausedFrom: " + release.id());
        }
        if (strategy == Plan.Strategy.ROLLING) {
            return switch (state) {
                case PENDING, SUCCEEDED -> List.of();
                case DEPLOYING, PROGRESSING, PROMOTING -> List.of(new ApplyTrack(base, candidate));
                default -> restore(release);
            };
        }
        boolean blueGreen = strategy == Plan.Strategy.BLUE_GREEN;
        return switch (state) {
            case PENDING -> List.of();
            // The candidate comes up beside the live track, reachable only through the preview route.
            case DEPLOYING -> List.of(new ApplyTrack(other, candidate), new Route(Weights.all(base).withPreview(other)));
            // Blue-green: one switch; the old colour is left alone as the standby a rollback switches back to.
            case PROGRESSING -> blueGreen
                    ? List.of(new ApplyTrack(other, candidate), new Route(Weights.all(other)))
                    : List.of(new ApplyTrack(other, candidate),
                    new Route(Weights.toward(other, release.weight()).withPreview(other)));
            case PROMOTING -> List.of(new ApplyTrack(base, candidate),
                    new Route(Weights.toward(other, release.weight()).withPreview(other)));
            // Blue-green ends with the new colour live and the standby gone; canary folds back onto its base.
            case SUCCEEDED -> blueGreen
                    ? List.of(new Route(Weights.all(other)), new ScaleToZero(base))
                    : List.of(new Route(Weights.all(base)), new ScaleToZero(other));
            default -> restore(release);
        };
    }

    private static List<Effect> restore(Release release) {
        Track base = release.baseTrack();
        List<Effect> effects = new ArrayList<>();
        effects.add(release.previous() == null
                ? new ScaleToZero(base)
                : new ApplyTrack(base, release.previous()));
        if (release.plan().strategy().sideBySide()) {
            effects.add(new Route(Weights.all(base)));
            effects.add(new ScaleToZero(base.other()));
        }
        return effects;
    }
}
