package dev.rollgate.controlplane.analysis;

/**
 * Candidate compared with stable on one proportion gate over the same window. Pure.
 *
 * <p>The difference of the two shares (candidate minus stable) gets Newcombe's hybrid score interval (his
 * method 10, built from the two Wilson intervals): it keeps its coverage with a handful of canary requests and
 * shares near 0, where the plain z-test on the difference does not. The test is one-sided: FAIL when the lower
 * bound at {@code confidence} is above {@code margin} (the candidate is worse than stable by more than the
 * margin), PASS when the upper bound is at or below it, INCONCLUSIVE otherwise or when either track has no data.
 */
public final class RelativeMath {

    private RelativeMath() {
    }

    /** One comparison; the shares are fractions (0.05 is 5 %), NaN when a track has no data. */
    public record Comparison(Verdict verdict, double candidateShare, double baselineShare, double lower,
                             double upper) {

        public boolean candidateWorse() {
            return verdict == Verdict.FAIL;
        }
    }

    public static Comparison compare(long candidateBad, long candidateTotal, long baselineBad, long baselineTotal,
                                     double margin, double confidence) {
        check(candidateBad, candidateTotal);
        check(baselineBad, baselineTotal);
        if (!(margin >= 0 && margin < 1)) {
            throw new IllegalArgumentException("margin must be in [0, 1), got " + margin);
        }
        if (!(confidence > 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0.5, 1), got " + confidence);
        }
        double candidate = candidateTotal == 0 ? Double.NaN : (double) candidateBad / candidateTotal;
        double baseline = baselineTotal == 0 ? Double.NaN : (double) baselineBad / baselineTotal;
        if (candidateTotal == 0 || baselineTotal == 0) {
            return new Comparison(Verdict.INCONCLUSIVE, candidate, baseline, Double.NaN, Double.NaN);
        }
        // A one-sided bound at c is one side of the two-sided interval at 2c - 1.
        double[] interval = difference(candidateBad, candidateTotal, baselineBad, baselineTotal, 2 * confidence - 1);
        Verdict verdict = interval[0] > margin ? Verdict.FAIL
                : interval[1] <= margin ? Verdict.PASS : Verdict.INCONCLUSIVE;
        return new Comparison(verdict, candidate, baseline, interval[0], interval[1]);
    }

    /** Newcombe's two-sided hybrid score interval for p1 - p2 at {@code confidence}: {lower, upper}. */
    public static double[] difference(long bad1, long total1, long bad2, long total2, double confidence) {
        check(bad1, total1);
        check(bad2, total2);
        if (total1 == 0 || total2 == 0) {
            throw new IllegalArgumentException("both samples need at least one event");
        }
        double p1 = (double) bad1 / total1;
        double p2 = (double) bad2 / total2;
        double l1 = GateMath.wilsonLower(bad1, total1, confidence);
        double u1 = wilsonUpper(bad1, total1, confidence);
        double l2 = GateMath.wilsonLower(bad2, total2, confidence);
        double u2 = wilsonUpper(bad2, total2, confidence);
        double d = p1 - p2;
        double lower = d - Math.sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
        double upper = d + Math.sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
        return new double[] {lower, upper};
    }

    // The Wilson interval is symmetric in bad and good: its upper bound is one minus the good share's lower bound.
    private static double wilsonUpper(long bad, long total, double confidence) {
        return 1 - GateMath.wilsonLower(total - bad, total, confidence);
    }

    private static void check(long bad, long total) {
        if (bad < 0 || total < 0 || bad > total) {
            throw new IllegalArgumentException("need 0 <= bad <= total, got " + bad + "/" + total);
        }
    }
}
