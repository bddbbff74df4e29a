package dev.rollgate.controlplane.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.test.web.reactive.server.WebTestClient;

/** Test helper: one read of {@code /actuator/prometheus}, as a Prometheus server would scrape it. */
public final class PrometheusScrape {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final List<Series> series;

    private PrometheusScrape(List<Series> series) {
        this.series = series;
    }

    public static PrometheusScrape of(WebTestClient http) {
        String text = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return parse(text == null ? "" : text);
    }

    static PrometheusScrape parse(String text) {
        return new PrometheusScrape(text.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(SAMPLE::matcher).filter(Matcher::matches)
                .map(m -> new Series(m.group(1), labels(m.group(3)), Double.parseDouble(m.group(4))))
                .toList());
    }

    private static Map<String, String> labels(String body) {
        Map<String, String> labels = new HashMap<>();
        if (body != null) {
            Matcher m = LABEL.matcher(body);
            while (m.find()) {
                labels.put(m.group(1), m.group(2));
            }
        }
        return labels;
    }

    /** The value of the series {@code name} whose labels include {@code labels}; 0 when there is none yet. */
    public double value(String name, Map<String, String> labels) {
        return series.stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Series::value).sum();
    }

    public double value(String name) {
        return value(name, Map.of());
    }

    public List<Series> series(String namePrefix) {
        return series.stream().filter(s -> s.name().startsWith(namePrefix)).toList();
    }

    public record Series(String name, Map<String, String> labels, double value) {
    }
}
