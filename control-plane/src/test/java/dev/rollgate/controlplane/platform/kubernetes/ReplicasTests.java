package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rollgate.controlplane.policy.DeliveryPolicy;
import dev.rollgate.controlplane.release.Track;

class ReplicasTests {

    private static DeliveryPolicy policy(String name) {
        return switch (name) {
            case "canary" -> new DeliveryPolicy.Canary(List.of(10, 50), Duration.ofMinutes(5));
            case "blue-green" -> new DeliveryPolicy.BlueGreen(Duration.ofMinutes(10));
            case "rolling" -> new DeliveryPolicy.Rolling(Duration.ofMinutes(5));
            default -> null;
        };
    }

    // replicas = 3, canaryReplicas = 1 throughout; empty cells are null (no Deployment yet / no HPA).
    @ParameterizedTest(name = "{0} {1} current={2} own HPA={3} live HPA={4} mirror={5} -> {6}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # strategy  | track  | current | own HPA | live HPA | mirror | expected
            # created, no HPA: the strategy decides
            canary      | CANARY | -       | -       | -        | false  | 1
            canary      | STABLE | -       | -       | -        | false  | 3
            blue-green  | CANARY | -       | -       | -        | false  | 3
            blue-green  | STABLE | -       | -       | -        | false  | 3
            rolling     | STABLE | -       | -       | -        | false  | 3
            none        | CANARY | -       | -       | -        | false  | 3
            # back from zero is a creation as far as the count goes
            canary      | CANARY | 0       | -       | -        | false  | 1
            blue-green  | CANARY | 0       | -       | -        | false  | 3
            # the live track's HPA minimum only with mirrorHpaMinimum, and only for the canary
            canary      | CANARY | -       | -       | 4        | true   | 4
            canary      | CANARY | -       | -       | 4        | false  | 1
            canary      | CANARY | -       | -       | -        | true   | 1
            canary      | STABLE | -       | -       | 4        | true   | 3
            blue-green  | CANARY | -       | -       | 4        | true   | 3
            # an HPA of its own: its minimum to start with, and its count ever after
            canary      | STABLE | -       | 2       | -        | false  | 2
            canary      | CANARY | -       | 2       | 4        | true   | 2
            blue-green  | STABLE | 0       | 5       | -        | false  | 5
            canary      | STABLE | 7       | 2       | -        | false  | 7
            # running: whoever set the count owns it
            canary      | CANARY | 2       | -       | -        | false  | 2
            canary      | STABLE | 1       | -       | -        | false  | 1
            rolling     | STABLE | 9       | -       | -        | false  | 9
            """)
    void decidesTheCountOnlyWhenATrackStartsAndLeavesItToItsOwnerAfter(String strategy, Track track,
                                                                       Integer current, Integer ownHpa,
                                                                       Integer liveHpa, boolean mirror,
                                                                       int expected) {
        assertThat(Replicas.desired(policy(strategy), track, current, ownHpa, liveHpa, 3, 1, mirror))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1} % beside {0} -> {2} pods ({3} %)")
    @CsvSource(delimiter = '|', textBlock = """
            # base | weight | canary | achieved share
            4      | 10     | 1      | 20
            4      | 25     | 1      | 20
            4      | 50     | 4      | 50
            4      | 75     | 12     | 75
            4      | 90     | 16     | 80
            10     | 10     | 1      | 9
            10     | 20     | 3      | 23
            1      | 50     | 1      | 50
            20     | 95     | 50     | 71
            0      | 10     | 1      | 100
            300    | 1      | 3      | 1
            """)
    void approximatesAWeightByReplicaRatioWithinBounds(int base, int weight, int canary, int share) {
        assertThat(Replicas.forWeight(base, weight)).isEqualTo(canary);
        assertThat(Replicas.share(canary, base)).isEqualTo(share);
    }

    @ParameterizedTest
    @CsvSource({"0, 0, 0", "0, 4, 0", "3, 0, 100", "1, 300, 1", "299, 1, 99"})
    void aShareThatExistsIsNeverRoundedAway(int candidate, int base, int share) {
        assertThat(Replicas.share(candidate, base)).isEqualTo(share);
    }

    @ParameterizedTest
    @CsvSource({"0", "100"})
    void aRatioNeedsBothTracksToTakeTraffic(int weight) {
        assertThatThrownBy(() -> Replicas.forWeight(4, weight)).isInstanceOf(IllegalArgumentException.class);
    }
}
