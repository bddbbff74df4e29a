package dev.rollgate.controlplane.metrics.prometheus;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.rollgate.controlplane.policy.GateKind;

/**
 * The shipped PromQL for each gate, one set per metric source. Every gate is a pair of counts over the window
 * (bad, total) plus a display query; the engine's statistical verdict works on the counts, so a template must
 * return counts (increase), never rates.
 *
 * <p>Bad-count queries end in {@code or vector(0)}: a healthy candidate never creates a 5xx series, and "no
 * errors" must read as 0, not as missing data. Missing data is decided by the total: no total, no verdict.
 */
public final class QueryTemplates {

    /** Rollgate's own proxy meters (local platform), scraped from Rollgate's /actuator/prometheus. */
    public static final String ROLLGATE = "rollgate";
    /** Istio's standard metrics, reporter="destination", workloads named {application}-{track}. */
    public static final String ISTIO = "istio";
    /** The workload's own Micrometer http.server.requests, by namespace, application and version labels. */
    public static final String MICROMETER = "micrometer";

    /** One gate's queries as template text; {@code display} may be null (then Rollgate shows 100·bad/total). */
    public record Queries(String bad, String total, String display) {

        /** Fields set in {@code override} (non-blank) replace this one's. */
        Queries with(Queries override) {
            if (override == null) {
                return this;
            }
            return new Queries(pick(override.bad(), bad), pick(override.total(), total),
                    pick(override.display(), display));
        }

        private static String pick(String preferred, String fallback) {
            return preferred == null || preferred.isBlank() ? fallback : preferred;
        }
    }

    private static final String WINDOW = "[{{window}}]";

    private static final Map<String, Map<GateKind, Queries>> SETS = new LinkedHashMap<>();

    static {
        SETS.put(ROLLGATE, rollgate());
        SETS.put(ISTIO, istio());
        SETS.put(MICROMETER, micrometer());
    }

    private QueryTemplates() {
    }

    public static Set<String> names() {
        return SETS.keySet();
    }

    /** The queries of {@code gate} in set {@code name}; empty for an unknown set or a gate it cannot answer. */
    public static Optional<Queries> get(String name, GateKind gate) {
        return Optional.ofNullable(SETS.get(name)).map(set -> set.get(gate));
    }

    /**
     * The gate a {@code queries.<key>} override addresses: the gate's id ({@code error-rate}, {@code p99-latency},
     * {@code health}), {@code latency}, or the enum name, in any case and with or without dashes (environment
     * variables lose both).
     */
    public static Optional<GateKind> gate(String key) {
        String k = key == null ? "" : key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        for (GateKind kind : GateKind.values()) {
            if (kind == GateKind.SMOKE) {
                continue;
            }
            if (k.equals(kind.id().replace("-", "")) || k.equals(kind.name().toLowerCase(Locale.ROOT).replace("_", ""))) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    private static Map<GateKind, Queries> rollgate() {
        String s = "application=\"{{application}}\", environment=\"{{environment}}\", track=\"{{track}}\","
                + " version=\"{{version}}\"";
        String requests = "sum(increase(rollgate_proxy_requests_seconds_count{" + s + "}" + WINDOW + "))";
        String errors = "sum(increase(rollgate_proxy_requests_seconds_count{" + s + ", outcome=\"5xx\"}" + WINDOW
                + ")) or vector(0)";
        String fast = "sum(increase(rollgate_proxy_requests_seconds_bucket{" + s + ", le=\"{{le}}\"}" + WINDOW + "))";
        String probes = "sum(increase(rollgate_proxy_probes_total{" + s + "}" + WINDOW + "))";
        String failed = "sum(increase(rollgate_proxy_probes_total{" + s + ", result=\"failed\"}" + WINDOW
                + ")) or vector(0)";
        return gates(
                new Queries(errors, requests, percent(errors, requests)),
                new Queries(requests + " - " + fast, requests, "1000 * " + p99("rollgate_proxy_requests_seconds_bucket{"
                        + s + "}")),
                new Queries(failed, probes, percent(failed, probes)));
    }

    private static Map<GateKind, Queries> istio() {
        String s = "reporter=\"destination\", destination_workload_namespace=\"{{namespace}}\","
                + " destination_workload=\"{{application}}-{{track}}\"";
        String requests = "sum(increase(istio_requests_total{" + s + "}" + WINDOW + "))";
        String errors = "sum(increase(istio_requests_total{" + s + ", response_code=~\"5..\"}" + WINDOW
                + ")) or vector(0)";
        String timed = "sum(increase(istio_request_duration_milliseconds_count{" + s + "}" + WINDOW + "))";
        String fast = "sum(increase(istio_request_duration_milliseconds_bucket{" + s + ", le=\"{{le_ms}}\"}" + WINDOW
                + "))";
        return gates(
                new Queries(errors, requests, percent(errors, requests)),
                // Istio's histogram is in milliseconds already; its default buckets include 100, 250, 500, 1000.
                new Queries(timed + " - " + fast, timed, p99("istio_request_duration_milliseconds_bucket{" + s + "}")),
                scrapeHealth());
    }

    private static Map<GateKind, Queries> micrometer() {
        String s = "namespace=\"{{namespace}}\", application=\"{{application}}\", version=\"{{version}}\","
                + " uri!~\"/actuator/.*\"";
        String requests = "sum(increase(http_server_requests_seconds_count{" + s + "}" + WINDOW + "))";
        String errors = "sum(increase(http_server_requests_seconds_count{" + s + ", status=~\"5..\"}" + WINDOW
                + ")) or vector(0)";
        String fast = "sum(increase(http_server_requests_seconds_bucket{" + s + ", le=\"{{le}}\"}" + WINDOW + "))";
        return gates(
                new Queries(errors, requests, percent(errors, requests)),
                new Queries(requests + " - " + fast, requests, "1000 * " + p99("http_server_requests_seconds_bucket{"
                        + s + "}")),
                scrapeHealth());
    }

    /**
     * Neither Istio nor Micrometer count health probes, so these sets read health from Prometheus's own probe of
     * each candidate pod: its scrapes. {@code up} is 1 or 0 per scrape, so the scrapes in the window are the
     * total and the ones that failed are the bad count. Pods must carry {@code app} and {@code version} labels
     * (Istio asks for them anyway) and the scrape job must copy them and the namespace onto the target.
     */
    private static Queries scrapeHealth() {
        String up = "up{namespace=\"{{namespace}}\", app=\"{{application}}\", version=\"{{version}}\"}";
        String scrapes = "sum(count_over_time(" + up + WINDOW + "))";
        String ok = "sum(sum_over_time(" + up + WINDOW + "))";
        return new Queries(scrapes + " - " + ok, scrapes, "100 * (1 - " + ok + " / " + scrapes + ")");
    }

    private static String percent(String bad, String total) {
        return "100 * (" + bad + ") / " + total;
    }

    private static String p99(String buckets) {
        return "histogram_quantile(0.99, sum by (le) (rate(" + buckets + WINDOW + ")))";
    }

    private static Map<GateKind, Queries> gates(Queries errorRate, Queries latency, Queries health) {
        Map<GateKind, Queries> gates = new EnumMap<>(GateKind.class);
        gates.put(GateKind.ERROR_RATE, errorRate);
        gates.put(GateKind.LATENCY, latency);
        gates.put(GateKind.HEALTH, health);
        return Map.copyOf(gates);
    }
}
