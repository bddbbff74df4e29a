package dev.rollgate.controlplane.release;

import static dev.rollgate.controlplane.release.ReleaseState.PAUSED;
import static dev.rollgate.controlplane.release.ReleaseState.PROGRESSING;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.analysis.RelativeMath;
import dev.rollgate.controlplane.analysis.RelativeMath.Comparison;
import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.policy.RelativePolicy;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;

/**
 * The candidate's gate readings judged beside stable's over the same window, for {@link ReleaseMachine}. Pure.
 *
 * <p>A candidate worse than stable by more than the margin fails its gate even below the absolute threshold. A
 * gate that trips on the candidate while stable's reading of it is above the threshold too, and the candidate
 * is not shown to be worse than stable, is a shared outage: rolling back would put users on a version that fails
 * just the same, so the release pauses for a person instead. Without a stable reading (stable has no traffic,
 * the reading failed) or off the canary steps, the candidate's readings are judged alone, as they always were.
 */
public final class StableComparison {

    private StableComparison() {
    }

    /** {@code failed}: gates that fail the candidate; {@code shared}: gates that trip on both tracks. */
    record Judgement(List<Measurement> failed, List<Shared> shared) {
    }

    /** A gate that tripped on the candidate while stable fails it too. */
    record Shared(Measurement candidate, Measurement stable) {

        String describe() {
            return percent(candidate) + " % vs " + percent(stable) + " %";
        }
    }

    /** What comparing one gate's candidate reading with stable's says. */
    public enum Finding {
        /** The candidate is worse than stable by more than the margin: it fails the gate. */
        WORSE,
        /** The gate trips on the candidate and stable fails it too, the candidate not shown worse: an outage. */
        STABLE_FAILING_TOO,
        /** Shown within the margin of stable. */
        WITHIN_MARGIN,
        /** Neither shown worse nor within the margin yet. */
        UNDECIDED,
        /** No comparison (off, not a canary step, no stable reading): the candidate is judged alone. */
        ALONE
    }

    /** The comparison runs only on canary steps, the only steps where both tracks carry traffic. */
    public static boolean applies(Release release, RelativePolicy relative) {
        return relative.enabled() && release.plan().strategy() == Plan.Strategy.CANARY;
    }

    public static Finding finding(Measurement candidate, Measurement stable, RelativePolicy relative) {
        if (stable == null || candidate.gate() == GateKind.SMOKE || candidate.total() == 0
                || stable.verdict() == Verdict.ERROR || stable.total() == 0) {
            return Finding.ALONE;
        }
        Comparison c = RelativeMath.compare(candidate.bad(), candidate.total(), stable.bad(), stable.total(),
                relative.margin(), relative.confidence());
        // Below the absolute threshold a rollback needs the gate's full sample: a handful of requests on a
        // low-traffic canary, re-tested every tick, would otherwise fail healthy candidates by chance.
        if (c.candidateWorse() && (candidate.verdict() == Verdict.FAIL || candidate.total() >= candidate.minSample())) {
            return Finding.WORSE;
        }
        if (candidate.verdict() == Verdict.FAIL && failing(stable)) {
            return Finding.STABLE_FAILING_TOO;
        }
        return c.verdict() == Verdict.PASS ? Finding.WITHIN_MARGIN : Finding.UNDECIDED;
    }

    static Judgement judge(Release release, Observation o) {
        RelativePolicy relative = o.relative();
        boolean on = applies(release, relative);
        List<Measurement> failed = new ArrayList<>();
        List<Shared> shared = new ArrayList<>();
        for (Measurement m : o.measurements()) {
            Measurement stable = on ? o.baseline().stream().filter(b -> b.gate() == m.gate()).findFirst()
                    .orElse(null) : null;
            switch (finding(m, stable, relative)) {
                // Failed on its own already: the absolute reason says it plainly; "worse than stable" is for below it.
                case WORSE -> failed.add(m.verdict() == Verdict.FAIL ? m : worse(m, stable, relative));
                case STABLE_FAILING_TOO -> shared.add(new Shared(m, stable));
                default -> {
                    if (m.verdict() == Verdict.FAIL) {
                        failed.add(m);
                    }
                }
            }
        }
        return new Judgement(failed, shared);
    }

    /** Pauses rather than rolling back into an environment where stable fails the same gates. */
    static Decision pause(Release release, List<Shared> shared, Instant now) {
        Shared first = shared.get(0);
        String reason = "stable is failing too (" + first.describe() + " on " + first.candidate().gate().id() + ": "
                + first.candidate().bad() + " bad of " + first.candidate().total() + " on the candidate, "
                + first.stable().bad() + " of " + first.stable().total() + " on stable); not rolling back into a"
                + " shared outage: resume once stable recovers, or roll back";
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("stableFailing", true);
        data.put("gates", shared.stream().map(s -> s.candidate().gate().id()).toList());
        data.put("gate", first.candidate().gate().id());
        data.put("candidateShare", share(first.candidate()) * 100);
        data.put("stableShare", share(first.stable()) * 100);
        data.put("bad", first.candidate().bad());
        data.put("sampleSize", first.candidate().total());
        data.put("stableBad", first.stable().bad());
        data.put("stableSampleSize", first.stable().total());
        return ReleaseMachine.transition(release.pausedFrom(PROGRESSING), PAUSED, now,
                ReleaseMachine.event(Type.PAUSED, Actor.SYSTEM, reason, now, data));
    }

    /** Stable's own reading is above the gate's threshold, or is proof of it. */
    private static boolean failing(Measurement stable) {
        return stable.verdict() == Verdict.FAIL || (stable.value() != null && stable.value() > stable.threshold());
    }

    private static Measurement worse(Measurement m, Measurement stable, RelativePolicy relative) {
        String detail = "worse than stable's " + percent(stable) + " % (" + stable.bad() + " bad of " + stable.total()
                + ") by more than " + String.format(Locale.ROOT, "%.2f", relative.margin() * 100) + " points at "
                + new java.math.BigDecimal(Double.toString(relative.confidence())).movePointRight(2).stripTrailingZeros()
                .toPlainString() + " % confidence";
        return new Measurement(m.gate(), m.track(), m.value(), m.threshold(), m.bad(), m.total(), Verdict.FAIL,
                detail, m.at(), m.minSample(), m.window(), m.moreTraffic());
    }

    private static double share(Measurement m) {
        return (double) m.bad() / m.total();
    }

    private static String percent(Measurement m) {
        return String.format(Locale.ROOT, "%.2f", share(m) * 100);
    }
}
