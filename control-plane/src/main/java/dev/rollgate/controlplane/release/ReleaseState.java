package dev.rollgate.controlplane.release;

import java.util.EnumSet;
import java.util.Set;

public enum ReleaseState {
    PENDING, DEPLOYING, PROGRESSING, PAUSED, PROMOTING, SUCCEEDED, ROLLING_BACK, ROLLED_BACK, ABORTED, FAILED;

    /** States that hold the application × environment slot (mirrors the partial unique index in V1). */
    public static final Set<ReleaseState> ACTIVE =
            EnumSet.of(PENDING, DEPLOYING, PROGRESSING, PAUSED, PROMOTING, ROLLING_BACK);

    public boolean active() {
        return ACTIVE.contains(this);
    }

    public boolean terminal() {
        return !active();
    }
}
