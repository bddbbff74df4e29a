package dev.rollgate.controlplane.release;

import java.util.concurrent.TimeoutException;

import dev.rollgate.controlplane.release.port.AdapterException;

/**
 * A port call that failed, as the machine sees it: which call, whether the platform refused for good, and the
 * platform's own words. Only {@link AdapterException} can say "permanent"; anything else may pass.
 */
public record AdapterError(String operation, boolean permanent, String message) {

    public static AdapterError of(String operation, Throwable e) {
        Throwable cause = e;
        while (!(cause instanceof AdapterException) && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof AdapterException a) {
            return new AdapterError(operation, a.permanent(), text(a));
        }
        if (e instanceof TimeoutException) {
            return new AdapterError(operation, false, "no answer in time");
        }
        return new AdapterError(operation, false, text(e));
    }

    private static String text(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    public String describe() {
        return operation + " failed" + (permanent ? " (refused by the platform)" : "") + ": " + message;
    }
}
