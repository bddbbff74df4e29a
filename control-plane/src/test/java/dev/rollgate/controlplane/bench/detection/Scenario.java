package dev.rollgate.controlplane.bench.detection;

import java.util.List;

/**
 * What the canary and stable answer: the share of errors and of requests slower than 500 ms on each track.
 * {@code canaryAtFault}: a rollback is the right outcome (otherwise it is a false rollback).
 */
record Scenario(String name, double canaryErrors, double canarySlow, double stableErrors, boolean canaryAtFault) {

    /** The healthy background every track has unless the scenario says otherwise. */
    static final double HEALTHY_ERRORS = 0.005;

    static List<Scenario> all() {
        return List.of(
                new Scenario("canary errors 30 %", 0.30, 0, HEALTHY_ERRORS, true),
                new Scenario("canary errors 10 %", 0.10, 0, HEALTHY_ERRORS, true),
                new Scenario("latency regression (30 % of requests > 500 ms)", HEALTHY_ERRORS, 0.30, HEALTHY_ERRORS,
                        true),
                new Scenario("healthy canary (0.5 % errors)", HEALTHY_ERRORS, 0, HEALTHY_ERRORS, false),
                // Not in the list: the other scenarios have no slow requests at all, which flatters latency
                // gates that can fail on one slow request of a handful.
                new Scenario("healthy canary with a slow tail (0.5 % errors, 0.5 % > 500 ms)", HEALTHY_ERRORS, 0.005,
                        HEALTHY_ERRORS, false),
                new Scenario("near threshold (2 % errors)", 0.02, 0, HEALTHY_ERRORS, false),
                new Scenario("near threshold (4 % errors)", 0.04, 0, HEALTHY_ERRORS, false),
                new Scenario("shared outage (stable and canary at 20 % errors)", 0.20, 0, 0.20, false));
    }

    /**
     * How many requests reach each track per second: {@code overall} split by the canary's weight, or, with
     * {@code fixedCanary} > 0, that many at the canary whatever its weight (a service too quiet for the weight to
     * matter).
     */
    record Profile(String name, double overall, double fixedCanary) {

        static List<Profile> all() {
            return List.of(
                    new Profile("low (1 req/s at the canary)", 20, 1),
                    new Profile("normal (20 req/s overall)", 20, 0),
                    new Profile("busy (100 req/s overall)", 100, 0));
        }

        double canaryRate(int weight) {
            if (weight <= 0) {
                return 0;
            }
            return fixedCanary > 0 ? fixedCanary : overall * weight / 100.0;
        }

        double stableRate(int weight) {
            return overall * (100 - weight) / 100.0;
        }
    }
}
