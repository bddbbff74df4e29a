package dev.rollgate.controlplane.bench.detection;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

import dev.rollgate.controlplane.bench.detection.Scenario.Profile;
import dev.rollgate.controlplane.bench.detection.SimulatedTraffic.Second;

/**
 * One trial's world: Poisson arrivals on each track at the rate the canary's weight gives it, each request an
 * error or slow with the scenario's shares, a clock moved one second per {@link #advance}, and the moment of the
 * first bad (erroneous or slow) canary response, which every detection time is measured from.
 */
final class Simulation {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final Scenario scenario;
    private final Profile profile;
    private final SplittableRandom random;
    private final SimClock clock = new SimClock(START);
    private final SimulatedTraffic traffic;
    private final SimulatedMetrics metrics;
    private long now;
    private double firstBad = Double.NaN;

    Simulation(Scenario scenario, Profile profile, long seed, int horizonSeconds) {
        this.scenario = scenario;
        this.profile = profile;
        this.random = new SplittableRandom(seed);
        this.traffic = new SimulatedTraffic(horizonSeconds);
        this.metrics = new SimulatedMetrics(traffic, clock, START);
    }

    /** Simulates the second (now, now + 1] with {@code canaryWeight} % routed to the canary. */
    void advance(int canaryWeight) {
        long canaryTotal = poisson(profile.canaryRate(canaryWeight));
        long errors = 0;
        long slow = 0;
        double firstBadInSecond = Double.NaN;
        for (long i = 0; i < canaryTotal; i++) {
            boolean error = random.nextDouble() < scenario.canaryErrors();
            boolean late = random.nextDouble() < scenario.canarySlow();
            errors += error ? 1 : 0;
            slow += late ? 1 : 0;
            if (error || late) {
                // Arrival times of a Poisson second are uniform within it.
                double at = random.nextDouble();
                firstBadInSecond = Double.isNaN(firstBadInSecond) ? at : Math.min(firstBadInSecond, at);
            }
        }
        long stableTotal = poisson(profile.stableRate(canaryWeight));
        long stableErrors = 0;
        for (long i = 0; i < stableTotal; i++) {
            stableErrors += random.nextDouble() < scenario.stableErrors() ? 1 : 0;
        }
        if (Double.isNaN(firstBad) && !Double.isNaN(firstBadInSecond)) {
            firstBad = now + firstBadInSecond;
        }
        traffic.record(new Second(canaryTotal, errors, slow, 1), new Second(stableTotal, stableErrors, 0, 1));
        now++;
        clock.advance(Duration.ofSeconds(1));
    }

    long now() {
        return now;
    }

    /** Seconds since the start at which the canary first answered badly; NaN while it has not. */
    double firstBad() {
        return firstBad;
    }

    SimClock clock() {
        return clock;
    }

    SimulatedTraffic traffic() {
        return traffic;
    }

    SimulatedMetrics metrics() {
        return metrics;
    }

    private long poisson(double mean) {
        if (mean <= 0) {
            return 0;
        }
        // Knuth's method: exact, and cheap for the few dozen requests a second the profiles send.
        double limit = Math.exp(-mean);
        long k = 0;
        double p = random.nextDouble();
        while (p > limit) {
            k++;
            p *= random.nextDouble();
        }
        return k;
    }
}
