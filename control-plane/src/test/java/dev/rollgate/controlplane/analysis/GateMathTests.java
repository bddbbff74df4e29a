package dev.rollgate.controlplane.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class GateMathTests {

    private static final double CONFIDENCE = 0.999;
    private static final long MIN_SAMPLE = 50;

    @ParameterizedTest(name = "{0} bad of {1} against {2} -> {3}")
    @CsvSource({
            // the examples
            "3, 10, 0.05, FAIL",
            "0, 200, 0.05, PASS",
            "1, 10, 0.05, INCONCLUSIVE",
            // no data is never a pass
            "0, 0, 0.05, INCONCLUSIVE",
            // healthy but below the minimum sample
            "0, 49, 0.05, INCONCLUSIVE",
            "0, 50, 0.05, PASS",
            // at the threshold passes, a little above is not yet proof of failure
            "10, 200, 0.05, PASS",
            "12, 200, 0.05, INCONCLUSIVE",
            // clearly broken with many samples
            "60, 200, 0.05, FAIL",
            // everything failing fails from very few requests
            "4, 4, 0.05, FAIL",
            // p99 gate: 1 % of requests may be slower than the threshold
            "1, 200, 0.01, PASS",
            "8, 100, 0.01, FAIL",
            // health probes
            "3, 5, 0.10, FAIL",
            "1, 60, 0.10, PASS"})
    void verdictsFollowTheWilsonBounds(long bad, long total, double threshold, Verdict expected) {
        assertThat(GateMath.verdict(bad, total, threshold, MIN_SAMPLE, CONFIDENCE)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0.95, 1.95996", "0.99, 2.57583", "0.999, 3.29053"})
    void zScoreMatchesTheNormalQuantiles(double confidence, double z) {
        assertThat(GateMath.zScore(confidence)).isCloseTo(z, org.assertj.core.data.Offset.offset(1e-4));
    }

    @ParameterizedTest
    @CsvSource({"-1, 10", "11, 10", "0, -1"})
    void rejectsImpossibleCounts(long bad, long total) {
        assertThatThrownBy(() -> GateMath.verdict(bad, total, 0.05, MIN_SAMPLE, CONFIDENCE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void aCleanSampleNeverFails(@ForAll @IntRange(min = 0, max = 100_000) int total,
                                @ForAll @IntRange(min = 1, max = 50) int thresholdPercent) {
        assertThat(GateMath.verdict(0, total, thresholdPercent / 100.0, MIN_SAMPLE, CONFIDENCE))
                .isNotEqualTo(Verdict.FAIL);
    }

    @Property
    void failImpliesTheObservedShareIsAboveTheThreshold(@ForAll @IntRange(min = 1, max = 5_000) int total,
                                                        @ForAll @IntRange(min = 0, max = 5_000) int badSeed,
                                                        @ForAll @IntRange(min = 1, max = 50) int thresholdPercent) {
        int bad = badSeed % (total + 1);
        double threshold = thresholdPercent / 100.0;
        if (GateMath.verdict(bad, total, threshold, MIN_SAMPLE, CONFIDENCE) == Verdict.FAIL) {
            assertThat((double) bad / total).isGreaterThan(threshold);
        }
    }

    @Property
    void moreBadEventsNeverImproveTheVerdict(@ForAll @IntRange(min = 1, max = 2_000) int total,
                                             @ForAll @IntRange(min = 0, max = 1_999) int badSeed) {
        int bad = badSeed % total;
        Verdict fewer = GateMath.verdict(bad, total, 0.05, MIN_SAMPLE, CONFIDENCE);
        Verdict more = GateMath.verdict(bad + 1, total, 0.05, MIN_SAMPLE, CONFIDENCE);
        assertThat(rank(more)).isGreaterThanOrEqualTo(rank(fewer));
    }

    @Property
    void theLowerBoundNeverExceedsTheObservedShare(@ForAll @IntRange(min = 1, max = 10_000) int total,
                                                   @ForAll @IntRange(min = 0, max = 10_000) int badSeed) {
        int bad = badSeed % (total + 1);
        assertThat(GateMath.wilsonLower(bad, total, CONFIDENCE)).isLessThanOrEqualTo((double) bad / total + 1e-12);
    }

    private static int rank(Verdict v) {
        return switch (v) {
            case PASS -> 0;
            case INCONCLUSIVE -> 1;
            case FAIL -> 2;
            case ERROR -> 3;
        };
    }
}
