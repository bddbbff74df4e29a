package dev.rollgate.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.policy.GateKind;

class OverviewVerdictTests {

    private static Measurement reading(Verdict verdict) {
        return new Measurement(GateKind.ERROR_RATE, "canary", 1.0, 5.0, 1, 100, verdict, null, Instant.EPOCH);
    }

    @Test
    void showsTheWorstOfTheLatestReadingsFailBeforeErrorBeforeInconclusive() {
        assertThat(OverviewController.worst(List.of(reading(Verdict.PASS), reading(Verdict.INCONCLUSIVE))))
                .isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(OverviewController.worst(List.of(reading(Verdict.INCONCLUSIVE), reading(Verdict.ERROR),
                reading(Verdict.PASS)))).isEqualTo(Verdict.ERROR);
        assertThat(OverviewController.worst(List.of(reading(Verdict.ERROR), reading(Verdict.FAIL))))
                .isEqualTo(Verdict.FAIL);
        assertThat(OverviewController.worst(List.of(reading(Verdict.PASS)))).isEqualTo(Verdict.PASS);
        assertThat(OverviewController.worst(List.of())).isNull();
    }
}
