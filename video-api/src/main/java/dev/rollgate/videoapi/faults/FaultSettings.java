package dev.rollgate.videoapi.faults;

import java.time.Duration;
import java.util.Locale;

/**
 * Validated fault knobs. They exist so Rollgate's gates can be shown to trip on a bad
 * candidate; they come from configuration only so no request can switch them on.
 */
public record FaultSettings(double errorRate, Duration latency, boolean ready) {

    public static final String ERROR_RATE = "VIDEOAPI_FAULTS_ERROR_RATE";
    public static final String LATENCY_MS = "VIDEOAPI_FAULTS_LATENCY_MS";
    public static final String READY = "VIDEOAPI_FAULTS_READY";
    static final long MAX_LATENCY_MS = 60_000;

    public static final FaultSettings NONE = new FaultSettings(0, Duration.ZERO, true);

    /** Blank means unset: compose files commonly pass an empty variable rather than omitting it. */
    public static FaultSettings parse(String errorRate, String latencyMs, String ready) {
        return new FaultSettings(parseErrorRate(errorRate), parseLatency(latencyMs), parseReady(ready));
    }

    public static FaultSettings from(FaultProperties properties) {
        return parse(properties.errorRate(), properties.latencyMs(), properties.ready());
    }

    public boolean injectsFaults() {
        return errorRate > 0 || !latency.isZero();
    }

    private static double parseErrorRate(String raw) {
        if (isBlank(raw)) {
            return 0;
        }
        String allowed = "a number between 0 and 1";
        double value;
        try {
            value = Double.parseDouble(raw.strip());
        } catch (NumberFormatException e) {
            throw new InvalidFaultSettingException(ERROR_RATE, allowed, raw);
        }
        // Written so that NaN fails too.
        if (!(value >= 0 && value <= 1)) {
            throw new InvalidFaultSettingException(ERROR_RATE, allowed, raw);
        }
        return value;
    }

    private static Duration parseLatency(String raw) {
        if (isBlank(raw)) {
            return Duration.ZERO;
        }
        String allowed = "a whole number of milliseconds between 0 and " + MAX_LATENCY_MS;
        long value;
        try {
            value = Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw new InvalidFaultSettingException(LATENCY_MS, allowed, raw);
        }
        if (value < 0 || value > MAX_LATENCY_MS) {
            throw new InvalidFaultSettingException(LATENCY_MS, allowed, raw);
        }
        return Duration.ofMillis(value);
    }

    private static boolean parseReady(String raw) {
        if (isBlank(raw)) {
            return true;
        }
        // Only true/false: "0", "no" or a typo must not silently mean "ready".
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidFaultSettingException(READY, "true or false", raw);
        };
    }

    private static boolean isBlank(String raw) {
        return raw == null || raw.isBlank();
    }
}
