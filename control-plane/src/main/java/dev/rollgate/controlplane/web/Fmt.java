package dev.rollgate.controlplane.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

/** Formatting for templates ({@code ${@fmt.time(x)}}); times are shown in UTC, as everywhere in Rollgate. */
@Component("fmt")
public class Fmt {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    public String time(Instant at) {
        return at == null ? "" : TIME.format(at);
    }

    public String data(Map<String, Object> data) {
        return data == null || data.isEmpty() ? "" : data.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    public String number(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
    }

    public String lower(Object value) {
        return value == null ? "" : value.toString().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** "1h 02m", "4m 05s", "12s": coarse enough to read at a glance. */
    public static String duration(java.time.Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return s + "s";
    }

    /** A duration given in seconds, or "n/a" when there was nothing to measure. */
    public String seconds(Long seconds) {
        return seconds == null ? "n/a" : duration(java.time.Duration.ofSeconds(seconds));
    }

    /** A share (0..1) as a percentage, or "n/a" when there was nothing to count. */
    public String percent(Double share) {
        return share == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    public String between(Instant from, Instant to) {
        return from == null || to == null ? "" : duration(java.time.Duration.between(from, to));
    }

    /**
     * What kind of release this is when it is not an ordinary one: both kinds skip analysis; only a bootstrap is
     * started by Rollgate itself (ReleaseService.bootstrap), a fast-path rollback always by a person or a client.
     */
    public String origin(dev.rollgate.controlplane.release.Release r) {
        if (r.plan().analysis()) {
            return null;
        }
        return r.startedBy().kind() == dev.rollgate.controlplane.release.Actor.Kind.SYSTEM ? "bootstrap"
                : "fast-path rollback";
    }

    public String shortSha(String sha) {
        return sha == null ? "" : sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
