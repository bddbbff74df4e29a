package dev.rollgate.controlplane.release;

/** The two tracks of a target; blue-green uses them as its two colours. */
public enum Track {
    STABLE, CANARY;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
