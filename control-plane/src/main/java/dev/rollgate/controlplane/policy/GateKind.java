package dev.rollgate.controlplane.policy;

/** The gates of the deployment spec's rollback criteria; each is a share of bad events. */
public enum GateKind {
    ERROR_RATE("error-rate", "%"),
    LATENCY("p99-latency", "ms"),
    HEALTH("health", "%"),
    SMOKE("smoke", "failed");

    private final String id;
    private final String unit;

    GateKind(String id, String unit) {
        this.id = id;
        this.unit = unit;
    }

    public String id() {
        return id;
    }

    /** Unit of the human-readable value recorded beside each measurement. */
    public String unit() {
        return unit;
    }
}
