package dev.rollgate.controlplane.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class RelativeMathTests {

    private static final double MARGIN = 0.01;
    private static final double CONFIDENCE = 0.999;

    // Newcombe, "Interval estimation for the difference between independent proportions" (Stat. Med. 1998),
    // table II, method 10 at 95 %.
    @ParameterizedTest(name = "{0}/{1} - {2}/{3} -> [{4}, {5}]")
    @CsvSource({
            "56, 70, 48, 80, 0.0524, 0.3339",
            "9, 10, 3, 10, 0.1705, 0.8090",
            "5, 56, 0, 29, -0.0381, 0.1926",
            "0, 10, 0, 20, -0.1611, 0.2775",
            "10, 10, 0, 20, 0.6791, 1.0000"})
    void differenceIntervalMatchesNewcombesTable(long bad1, long n1, long bad2, long n2, double lower, double upper) {
        double[] interval = RelativeMath.difference(bad1, n1, bad2, n2, 0.95);
        assertThat(interval[0]).isCloseTo(lower, offset(1e-4));
        assertThat(interval[1]).isCloseTo(upper, offset(1e-4));
    }

    @ParameterizedTest(name = "candidate {0}/{1} vs stable {2}/{3} -> {4}")
    @CsvSource({
            // a 10 % canary over a 0.5 % stable: caught although 20 of 200 is not yet proof of more than 5 %
            "20, 200, 19, 3800, FAIL",
            // a shared outage: the canary's 40 % is no worse than stable's 35 %
            "6, 15, 100, 285, INCONCLUSIVE",
            // both healthy with plenty of traffic: the candidate is shown to be within the margin
            "0, 2000, 0, 20000, PASS",
            "10, 2000, 100, 20000, PASS",
            // healthy but too few canary requests to rule out a one-point regression
            "0, 500, 0, 5000, INCONCLUSIVE",
            // worse, but not by more than the margin with this confidence
            "4, 200, 19, 3800, INCONCLUSIVE",
            // everything failing on the canary only
            "5, 5, 0, 100, FAIL",
            // no data on either side decides nothing
            "0, 0, 0, 100, INCONCLUSIVE",
            "3, 10, 0, 0, INCONCLUSIVE"})
    void comparesTheCandidateWithStableByTheMargin(long cBad, long cTotal, long sBad, long sTotal, Verdict expected) {
        assertThat(RelativeMath.compare(cBad, cTotal, sBad, sTotal, MARGIN, CONFIDENCE).verdict()).isEqualTo(expected);
    }

    @Test
    void aCandidateBetterThanStableNeverFails() {
        assertThat(RelativeMath.compare(0, 50, 50, 100, 0, CONFIDENCE).verdict()).isNotEqualTo(Verdict.FAIL);
    }

    @Test
    void reportsBothSharesBesideTheVerdict() {
        RelativeMath.Comparison c = RelativeMath.compare(20, 200, 19, 3800, MARGIN, CONFIDENCE);
        assertThat(c.candidateShare()).isEqualTo(0.10);
        assertThat(c.baselineShare()).isEqualTo(0.005);
        assertThat(c.lower()).isGreaterThan(MARGIN).isLessThan(0.095);
        assertThat(c.upper()).isGreaterThan(0.095);
    }

    @Test
    void aWiderMarginNeedsStrongerEvidence() {
        assertThat(RelativeMath.compare(20, 200, 19, 3800, 0.01, CONFIDENCE).verdict()).isEqualTo(Verdict.FAIL);
        assertThat(RelativeMath.compare(20, 200, 19, 3800, 0.08, CONFIDENCE).verdict())
                .isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void refusesImpossibleCountsAndSettings() {
        assertThatThrownBy(() -> RelativeMath.compare(3, 2, 0, 10, MARGIN, CONFIDENCE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RelativeMath.compare(1, 2, 0, 10, -0.01, CONFIDENCE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RelativeMath.compare(1, 2, 0, 10, MARGIN, 1.0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void failsOnlyWhenTheObservedGapExceedsTheMargin(@ForAll @IntRange(max = 400) int cBad,
                                                    @ForAll @IntRange(min = 1, max = 400) int cTotal,
                                                    @ForAll @IntRange(max = 4000) int sBad,
                                                    @ForAll @IntRange(min = 1, max = 4000) int sTotal) {
        long candidateBad = Math.min(cBad, cTotal);
        long stableBad = Math.min(sBad, sTotal);
        RelativeMath.Comparison c = RelativeMath.compare(candidateBad, cTotal, stableBad, sTotal, MARGIN, CONFIDENCE);
        assertThat(c.lower()).isLessThanOrEqualTo(c.candidateShare() - c.baselineShare() + 1e-12);
        assertThat(c.upper()).isGreaterThanOrEqualTo(c.candidateShare() - c.baselineShare() - 1e-12);
        if (c.verdict() == Verdict.FAIL) {
            assertThat(c.candidateShare() - c.baselineShare()).isGreaterThan(MARGIN);
        }
    }
}
