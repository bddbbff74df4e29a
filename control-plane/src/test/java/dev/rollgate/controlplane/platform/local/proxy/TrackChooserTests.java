package dev.rollgate.controlplane.platform.local.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;

class TrackChooserTests {

    @ParameterizedTest(name = "canary {0}%, preview {1}, stable up {2}, canary up {3}, header {4}, roll {5} -> {6}")
    @CsvSource({
            "5,   CANARY, true,  true,  false, 4,  CANARY",
            "5,   CANARY, true,  true,  false, 5,  STABLE",
            "0,   NONE,   true,  true,  false, 0,  STABLE",
            "100, NONE,   true,  true,  false, 99, CANARY",
            "0,   CANARY, true,  true,  true,  50, CANARY",
            "0,   NONE,   true,  true,  true,  50, STABLE",
            "100, STABLE, true,  true,  true,  50, STABLE",
            "100, STABLE, true,  true,  false, 50, CANARY",
            "0,   CANARY, true,  false, true,  50, STABLE",
            "100, NONE,   true,  false, false, 0,  STABLE",
            "0,   NONE,   false, true,  false, 99, CANARY",
            "50,  CANARY, false, false, true,  0,  NONE",
    })
    void choosesByWeightPreviewHeaderAndReadiness(int canary, String preview, boolean stableReady,
                                                  boolean canaryReady, boolean header, int roll, String expected) {
        Weights weights = Weights.canary(canary).withPreview(preview.equals("NONE") ? null : Track.valueOf(preview));
        Optional<Track> chosen = TrackChooser.choose(weights, stableReady, canaryReady, header, roll);

        assertThat(chosen.map(Track::name).orElse("NONE")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "plain           | {\"detail\":\"plain\"}",
            "say \"hi\"      | {\"detail\":\"say \\\"hi\\\"\"}",
            "back\\slash     | {\"detail\":\"back\\\\slash\"}",
    })
    void problemDetailIsValidJsonWhateverTheMessage(String detail, String json) {
        assertThat(ProblemResponses.json(java.util.Map.of("detail", detail))).isEqualTo(json);
    }
}
