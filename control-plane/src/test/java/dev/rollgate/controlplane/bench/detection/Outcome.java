package dev.rollgate.controlplane.bench.detection;

/**
 * How one trial of one rule ended. {@code toStable}: seconds from the canary's first bad response to traffic back on
 * stable (NaN when it did not roll back or never answered badly). PAUSED: Rollgate stopped the release for want of
 * data or by rule and a person must decide; the canary keeps its share meanwhile.
 */
record Outcome(Result result, double toStable) {

    enum Result { ROLLED_BACK, PROMOTED, PAUSED, UNDECIDED }

    static Outcome rolledBack(double toStable) {
        return new Outcome(Result.ROLLED_BACK, toStable);
    }

    static Outcome of(Result result) {
        return new Outcome(result, Double.NaN);
    }
}
