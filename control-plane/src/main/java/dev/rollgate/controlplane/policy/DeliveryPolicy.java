package dev.rollgate.controlplane.policy;

import java.time.Duration;
import java.util.List;

/** How an environment moves traffic to a new version. */
public sealed interface DeliveryPolicy {

    /** Traffic weights in steps, each held for {@code stepDuration} under analysis, then promotion. */
    record Canary(List<Integer> steps, Duration stepDuration) implements DeliveryPolicy {
        public Canary {
            steps = List.copyOf(steps);
        }
    }

    /** Smoke-checked idle colour, one atomic switch, old colour kept for the rollback window. */
    record BlueGreen(Duration rollbackWindow) implements DeliveryPolicy {
    }

    /** Stable replaced in place (maxSurge 1, maxUnavailable 0), analysed for a while once rolled. */
    record Rolling(Duration analysisDuration) implements DeliveryPolicy {
    }
}
