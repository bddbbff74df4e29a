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

    /** By {@link #id()}, or by the constant's name as rows stored before the id was used everywhere say it. */
    public static GateKind parse(String text) {
        for (GateKind kind : values()) {
            if (kind.id.equals(text) || kind.name().equals(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown gate '" + text + "'");
    }

    /** Unit of the human-readable value recorded beside each measurement. */
    public String unit() {
        return unit;
    }
}
