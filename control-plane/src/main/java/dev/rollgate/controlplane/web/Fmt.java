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

    public String shortSha(String sha) {
        return sha == null ? "" : sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
