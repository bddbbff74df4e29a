package dev.rollgate.controlplane.platform.local.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;

class TrackChooserTests {

    @ParameterizedTest(name = "canary {0}%, stable up {1}, canary up {2}, header {3}, roll {4} -> {5}")
    @CsvSource({
            "5,   true,  true,  false, 4,  CANARY",
            "5,   true,  true,  false, 5,  STABLE",
            "0,   true,  true,  false, 0,  STABLE",
            "100, true,  true,  false, 99, CANARY",
            "0,   true,  true,  true,  50, CANARY",
            "0,   true,  false, true,  50, STABLE",
            "100, true,  false, false, 0,  STABLE",
            "0,   false, true,  false, 99, CANARY",
            "50,  false, false, true,  0,  NONE",
    })
    void choosesByWeightHeaderAndReadiness(int canary, boolean stableReady, boolean canaryReady, boolean header,
                                           int roll, String expected) {
        Optional<Track> chosen = TrackChooser.choose(Weights.canary(canary), stableReady, canaryReady, header, roll);

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
