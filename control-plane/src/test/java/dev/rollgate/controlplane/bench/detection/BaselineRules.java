package dev.rollgate.controlplane.bench.detection;

import java.util.List;

import dev.rollgate.controlplane.bench.detection.SimulatedTraffic.Series;
import dev.rollgate.controlplane.release.Track;

/**
 * The rules users configure today, as they configure them, judging the same simulated traffic. Each is a small
 * state machine called once per simulated second with the seconds since its canary started.
 */
final class BaselineRules {

    enum Status { RUNNING, ROLLED_BACK, PROMOTED }

    interface Rule {
        /** The canary's share now. */
        int weight();

        /** Called after second {@code now} (seconds since the canary got traffic) has been recorded. */
        Status check(long now, SimulatedTraffic traffic);
    }

    private BaselineRules() {
    }

    /**
     * Flagger-style: every {@code interval} seconds, over the last interval, the check fails when the success rate
     * is below 99 %, when there is no data, or when p99 latency is over 500 ms (Flagger's request-duration metric
     * as its examples configure it). A passing check moves to the next step weight and promotes after the last;
     * a failed one holds the weight. Failed checks add up (Flagger does not reset them on a passing check) and the
     * {@code threshold}-th trips the rollback at that check (Flagger itself acts one interval later: generous).
     */
    static final class Flagger implements Rule {
        static final int INTERVAL = 60;

        private final int threshold;
        private final List<Integer> steps;
        private int step;
        private int failed;

        Flagger(int threshold, List<Integer> steps) {
            this.threshold = threshold;
            this.steps = List.copyOf(steps);
        }

        @Override
        public int weight() {
            return steps.get(step);
        }

        int failedChecks() {
            return failed;
        }

        @Override
        public Status check(long now, SimulatedTraffic traffic) {
            if (now == 0 || now % INTERVAL != 0) {
                return Status.RUNNING;
            }
            long total = traffic.sum(Track.CANARY, Series.TOTAL, now, INTERVAL);
            long errors = traffic.sum(Track.CANARY, Series.ERRORS, now, INTERVAL);
            long slow = traffic.sum(Track.CANARY, Series.SLOW, now, INTERVAL);
            // Nearest-rank p99 is slow exactly when more than floor(1 %) of the requests are.
            boolean passed = total > 0 && 100.0 * (total - errors) / total >= 99 && slow <= total / 100;
            if (!passed) {
                failed++;
                return failed >= threshold ? Status.ROLLED_BACK : Status.RUNNING;
            }
            if (step == steps.size() - 1) {
                return Status.PROMOTED;
            }
            step++;
            return Status.RUNNING;
        }
    }

    /**
     * Argo-style: background analysis from the first step, one measurement every {@code INTERVAL} seconds of the
     * error rate over the last interval; a measurement over 5 % fails, and the rollout aborts when failures exceed
     * 3 (failureLimit 3). No data is inconclusive, not a failure. The steps are setWeight + pause of
     * {@code STEP_HOLD}; the rollout promotes when the last pause ends. Argo has no latency metric in this rule.
     */
    static final class Argo implements Rule {
        static final int INTERVAL = 300;
        static final int STEP_HOLD = 600;
        static final double MAX_ERROR_RATE = 0.05;
        static final int FAILURE_LIMIT = 3;

        private final List<Integer> steps;
        private int step;
        private int failed;

        Argo(List<Integer> steps) {
            this.steps = List.copyOf(steps);
        }

        @Override
        public int weight() {
            return steps.get(step);
        }

        int failedMeasurements() {
            return failed;
        }

        @Override
        public Status check(long now, SimulatedTraffic traffic) {
            if (now > 0 && now % INTERVAL == 0) {
                long total = traffic.sum(Track.CANARY, Series.TOTAL, now, INTERVAL);
                long errors = traffic.sum(Track.CANARY, Series.ERRORS, now, INTERVAL);
                if (total > 0 && (double) errors / total > MAX_ERROR_RATE && ++failed > FAILURE_LIMIT) {
                    return Status.ROLLED_BACK;
                }
            }
            if (now > 0 && now % STEP_HOLD == 0) {
                if (step == steps.size() - 1) {
                    return Status.PROMOTED;
                }
                step++;
            }
            return Status.RUNNING;
        }
    }

    /** Runs {@code rule} on {@code sim} from the canary's first second until it decides or the horizon passes. */
    static Outcome run(Rule rule, Simulation sim, int horizonSeconds) {
        while (sim.now() < horizonSeconds) {
            sim.advance(rule.weight());
            Status status = rule.check(sim.now(), sim.traffic());
            if (status == Status.ROLLED_BACK) {
                return Outcome.rolledBack(sim.now() - sim.firstBad());
            }
            if (status == Status.PROMOTED) {
                return Outcome.of(Outcome.Result.PROMOTED);
            }
        }
        return Outcome.of(Outcome.Result.UNDECIDED);
    }
}
