package dev.rollgate.controlplane.release;

/** The two tracks of a target; blue-green uses them as its two colours, so either may be the live one. */
public enum Track {
    STABLE, CANARY;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public Track other() {
        return this == STABLE ? CANARY : STABLE;
    }
}
