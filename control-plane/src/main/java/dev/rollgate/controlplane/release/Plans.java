package dev.rollgate.controlplane.release;

import java.time.Duration;
import java.util.List;

import dev.rollgate.controlplane.policy.AnalysisPolicy;
import dev.rollgate.controlplane.policy.DeliveryPolicy;
import dev.rollgate.controlplane.policy.Environment;

/** Freezes an environment's policy into a release plan. */
public final class Plans {

    private Plans() {
    }

    /**
     * A first release has no stable to split traffic with, and a fast-path rollback goes straight back to a known
     * good version: both replace stable in place. A fast-path rollback also skips analysis and smoke checks.
     */
    public static Plan plan(Environment env, boolean hasStable, boolean fastPath) {
        AnalysisPolicy a = env.analysis();
        DeliveryPolicy policy = env.policy();
        Plan.Strategy strategy;
        List<Integer> steps;
        Duration hold;
        if (policy instanceof DeliveryPolicy.Canary c) {
            strategy = Plan.Strategy.CANARY;
            steps = c.steps();
            hold = c.stepDuration();
        } else if (policy instanceof DeliveryPolicy.BlueGreen bg) {
            strategy = Plan.Strategy.BLUE_GREEN;
            steps = List.of(100);
            hold = bg.rollbackWindow();
        } else {
            strategy = Plan.Strategy.ROLLING;
            steps = List.of(100);
            hold = ((DeliveryPolicy.Rolling) policy).analysisDuration();
        }
        if (!hasStable || fastPath) {
            strategy = Plan.Strategy.ROLLING;
            steps = List.of(100);
        }
        return new Plan(strategy, steps, hold, a.inconclusiveGrace(), a.failureLimit(), a.errorLimit(),
                env.readyTimeout(), env.restoreTimeout(), !fastPath, !fastPath);
    }
}
