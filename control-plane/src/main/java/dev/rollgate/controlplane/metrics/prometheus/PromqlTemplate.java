package dev.rollgate.controlplane.metrics.prometheus;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.rollgate.controlplane.release.port.GateQuery;

/**
 * A PromQL query with {@code {{placeholders}}}. Label-value placeholders are accepted only inside a double-quoted
 * string and are escaped for it, so whatever a release's version or an application's name contains, it stays a
 * label value and can never change the query's structure. Numeric placeholders ({@code window}, {@code le},
 * {@code le_ms}) come from durations Rollgate itself renders, so they may stand anywhere.
 */
final class PromqlTemplate {

    static final Set<String> LABEL_VALUES = Set.of("application", "environment", "namespace", "track", "version");
    static final Set<String> NUMBERS = Set.of("window", "le", "le_ms");

    private final String source;
    private final List<String> literals;
    private final List<String> names;

    private PromqlTemplate(String source, List<String> literals, List<String> names) {
        this.source = source;
        this.literals = List.copyOf(literals);
        this.names = List.copyOf(names);
    }

    /** Parses and checks a template; the message of the exception says what is wrong and where. */
    static PromqlTemplate parse(String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("query is empty");
        }
        List<String> literals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        char quote = 0;
        int i = 0;
        int n = source.length();
        while (i < n) {
            if (source.startsWith("{{", i)) {
                int end = source.indexOf("}}", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '{{' at character " + i);
                }
                String name = source.substring(i + 2, end).trim();
                if (!LABEL_VALUES.contains(name) && !NUMBERS.contains(name)) {
                    throw new IllegalArgumentException("unknown placeholder {{" + name + "}} (known: " + known() + ")");
                }
                if (LABEL_VALUES.contains(name) && quote != '"') {
                    throw new IllegalArgumentException("{{" + name + "}} must sit inside a double-quoted label value,"
                            + " e.g. " + name + "=\"{{" + name + "}}\"");
                }
                literals.add(literal.toString());
                names.add(name);
                literal.setLength(0);
                i = end + 2;
                continue;
            }
            char c = source.charAt(i);
            literal.append(c);
            i++;
            if (quote != 0) {
                // Backticks are raw strings in PromQL; the other quotes honour backslash escapes.
                if (c == '\\' && quote != '`' && i < n) {
                    literal.append(source.charAt(i));
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                quote = c;
            } else if (c == '#') {
                // A comment runs to the end of the line; a quote in it must not flip the string state.
                while (i < n && source.charAt(i) != '\n') {
                    literal.append(source.charAt(i));
                    i++;
                }
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated string: a " + quote + " is never closed");
        }
        literals.add(literal.toString());
        return new PromqlTemplate(source, literals, names);
    }

    String render(Values values) {
        StringBuilder out = new StringBuilder(source.length() + 64);
        for (int i = 0; i < names.size(); i++) {
            out.append(literals.get(i)).append(values.render(names.get(i)));
        }
        return out.append(literals.get(names.size())).toString();
    }

    boolean uses(String placeholder) {
        return names.contains(placeholder);
    }

    String source() {
        return source;
    }

    @Override
    public String toString() {
        return source;
    }

    private static String known() {
        Set<String> all = new TreeSet<>(LABEL_VALUES);
        all.addAll(NUMBERS);
        return String.join(", ", all);
    }

    /** Escapes a value for a PromQL double-quoted string (Go string-literal rules). */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** A Prometheus range duration: whole seconds as {@code 90s} (never {@code 1m30s}), otherwise milliseconds. */
    static String duration(Duration d) {
        if (d == null || d.toMillis() <= 0) {
            throw new IllegalArgumentException("window must be at least 1ms, got " + d);
        }
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    /**
     * A bucket bound in seconds as Micrometer writes it ({@code Double.toString}: 0.5, 1.0), so the matcher hits
     * the exposed {@code le} label exactly.
     */
    static String seconds(Duration d) {
        return Double.toString(d.toNanos() / 1e9);
    }

    /** A bucket bound in milliseconds as Istio writes it: 500, 2500, 0.5. */
    static String millis(Duration d) {
        return BigDecimal.valueOf(d.toNanos()).movePointLeft(6).stripTrailingZeros().toPlainString();
    }

    /** What the placeholders stand for in one query. */
    record Values(Map<String, String> labels, Duration window, Duration latencyThreshold) {

        static Values of(GateQuery q) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("application", q.target().application());
            labels.put("environment", q.target().environment());
            labels.put("namespace", q.target().namespace());
            labels.put("track", q.track().id());
            labels.put("version", q.version());
            return new Values(labels, q.window(), q.latencyThreshold());
        }

        String render(String name) {
            switch (name) {
                case "window":
                    return duration(window);
                case "le":
                case "le_ms":
                    if (latencyThreshold == null || latencyThreshold.isZero() || latencyThreshold.isNegative()) {
                        throw new IllegalArgumentException("{{" + name + "}} needs a latency threshold: only the"
                                + " latency gate has one");
                    }
                    return name.equals("le") ? seconds(latencyThreshold) : millis(latencyThreshold);
                default:
                    String value = labels.get(name);
                    if (value == null) {
                        // An empty matcher would select series that lack the label: refuse rather than guess.
                        throw new IllegalArgumentException("no value for {{" + name + "}}");
                    }
                    return escape(value);
            }
        }
    }
}
