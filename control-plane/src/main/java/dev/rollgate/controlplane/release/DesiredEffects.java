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
            // Rolling replaces the live track in place; the route is stated so traffic is where the work is.
            return switch (state) {
                case PENDING -> List.of();
                case SUCCEEDED -> List.of(new Route(Weights.all(base)));
                case DEPLOYING, PROGRESSING, PROMOTING -> List.of(new ApplyTrack(base, candidate),
                        new Route(Weights.all(base)));
                default -> restore(release);
            };
        }
        boolean blueGreen = strategy == Plan.Strategy.BLUE_GREEN;
        List<Effect> keepBase = keepBase(release);
        return switch (state) {
            case PENDING -> List.of();
            // The candidate comes up beside the live track, reachable only through the preview route.
            case DEPLOYING -> concat(keepBase, new ApplyTrack(other, candidate),
                    new Route(Weights.all(base).withPreview(other)));
            // Blue-green: one switch; the old colour stays as the standby a rollback switches back to.
            case PROGRESSING -> blueGreen
                    ? concat(keepBase, new ApplyTrack(other, candidate), new Route(Weights.all(other)))
                    : concat(keepBase, new ApplyTrack(other, candidate),
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

    /**
     * While the candidate runs beside it, the base keeps the previous version: stated, not assumed, so a base lost
     * meanwhile (a restart of the local platform, a deleted Deployment) comes back before a rollback needs it.
     */
    private static List<Effect> keepBase(Release release) {
        return release.previous() == null ? List.of() : List.of(new ApplyTrack(release.baseTrack(), release.previous()));
    }

    private static List<Effect> concat(List<Effect> first, Effect... rest) {
        List<Effect> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return List.copyOf(all);
    }

    private static List<Effect> restore(Release release) {
        Track base = release.baseTrack();
        List<Effect> effects = new ArrayList<>();
        effects.add(release.previous() == null
                ? new ScaleToZero(base)
                : new ApplyTrack(base, release.previous()));
        effects.add(new Route(Weights.all(base)));
        if (release.plan().strategy().sideBySide()) {
            effects.add(new ScaleToZero(base.other()));
        }
        return effects;
    }
}
