package dev.rollgate.controlplane.policy;

/** The gates of the deployment spec's rollback criteria; each is a share of bad events. */
public enum GateKind {
    ERROR_RATE("error-rate", "%", "requests", "min-sample"),
    LATENCY("p99-latency", "ms", "requests", "min-sample"),
    HEALTH("health", "%", "probes", "health-min-sample"),
    SMOKE("smoke", "failed", "checks", null);

    private final String id;
    private final String unit;
    private final String samples;
    private final String minSampleSetting;

    GateKind(String id, String unit, String samples, String minSampleSetting) {
        this.id = id;
        this.unit = unit;
        this.samples = samples;
        this.minSampleSetting = minSampleSetting;
    }

    /** What one sample of the gate is, for people: "requests", "probes". */
    public String samples() {
        return samples;
    }

    /** The environment's {@code analysis.*} setting holding the sample a PASS needs; null when there is none. */
    public String minSampleSetting() {
        return minSampleSetting;
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
