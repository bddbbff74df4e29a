package dev.rollgate.controlplane.release.port;

/**
 * An adapter's report that the platform did not do what was asked. Permanent: the platform refuses and will go
 * on refusing (forbidden, invalid, not found), so the release ends. Transient: conflict, throttled, unavailable,
 * timeout — the engine retries and pauses the release after the environment's error limit.
 */
public class AdapterException extends RuntimeException {

    private final boolean permanent;

    public AdapterException(boolean permanent, String message, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    public static AdapterException permanent(String message) {
        return new AdapterException(true, message, null);
    }

    public static AdapterException transientError(String message) {
        return new AdapterException(false, message, null);
    }

    public boolean permanent() {
        return permanent;
    }
}
