package dev.rollgate.controlplane.metrics.prometheus;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.metrics.prometheus.QueryTemplates.Queries;

/**
 * Everything under {@code rollgate.prometheus}: named Prometheus endpoints, and per environment which endpoint
 * and which query set its gates use. An environment without an entry uses endpoint {@code default} and the
 * {@code rollgate} set. {@link #problems()} lists what is wrong, so a bad setup stops Rollgate at startup.
 */
@ConfigurationProperties("rollgate.prometheus")
public record PrometheusProperties(Map<String, Endpoint> endpoints, Map<String, Selection> environments) {

    public static final String DEFAULT_ENDPOINT = "default";

    public PrometheusProperties {
        endpoints = endpoints == null ? Map.of() : new LinkedHashMap<>(endpoints);
        environments = environments == null ? Map.of() : new LinkedHashMap<>(environments);
    }

    public Selection selection(String environment) {
        return environments.getOrDefault(environment, Selection.DEFAULT);
    }

    /**
     * One Prometheus (or a compatible API: Thanos, Mimir, VictoriaMetrics). Credentials are kept out of
     * {@link #toString()}, which is what ends up in logs and failure analyses.
     *
     * @param url                   base URL, the API lives at {@code {url}/api/v1/query}; may have a path prefix
     * @param timeout               per query, connect included
     * @param bearerToken           sent as {@code Authorization: Bearer ...}
     * @param username              basic auth, with {@code password}
     * @param insecureSkipTlsVerify trust any certificate and host name (test clusters only)
     * @param caFile                PEM file of the CA(s) that signed the server's certificate
     */
    public record Endpoint(
            String url,
            @DefaultValue("2s") Duration timeout,
            String bearerToken,
            String username,
            String password,
            @DefaultValue("false") boolean insecureSkipTlsVerify,
            String caFile) {

        /** The URL without any user-info part, fit for logs and health details. */
        public String safeUrl() {
            if (url == null) {
                return null;
            }
            try {
                URI u = URI.create(url.trim());
                if (u.getRawUserInfo() == null) {
                    return url.trim();
                }
                return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
            } catch (Exception e) {
                return "<unparseable url>";
            }
        }

        String auth() {
            if (present(bearerToken)) {
                return "bearer";
            }
            return present(username) ? "basic(" + username + ")" : "none";
        }

        @Override
        public String toString() {
            return "Endpoint[url=" + safeUrl() + ", timeout=" + timeout + ", auth=" + auth()
                    + ", insecureSkipTlsVerify=" + insecureSkipTlsVerify + ", caFile=" + caFile + "]";
        }
    }

    /**
     * @param endpoint  the name of the endpoint under {@code rollgate.prometheus.endpoints}
     * @param templates the shipped query set: {@code rollgate}, {@code istio} or {@code micrometer}
     * @param queries   per gate ({@code error-rate}, {@code p99-latency}, {@code health}) replacements for the
     *                  set's {@code bad}, {@code total} and {@code display} queries
     */
    public record Selection(
            @DefaultValue(DEFAULT_ENDPOINT) String endpoint,
            @DefaultValue(QueryTemplates.ROLLGATE) String templates,
            Map<String, Queries> queries) {

        static final Selection DEFAULT = new Selection(DEFAULT_ENDPOINT, QueryTemplates.ROLLGATE, Map.of());

        public Selection {
            queries = queries == null ? Map.of() : new LinkedHashMap<>(queries);
        }
    }

    /** Every configuration mistake, each with its property path; empty when the setup is usable. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        endpoints.forEach((name, e) -> endpointProblems("rollgate.prometheus.endpoints." + name, e, problems));
        environments.forEach((env, s) -> selectionProblems("rollgate.prometheus.environments." + env, s, problems));
        return problems;
    }

    private static void endpointProblems(String at, Endpoint e, List<String> problems) {
        if (!present(e.url())) {
            problems.add(at + ".url: required, e.g. http://prometheus:9090");
        } else {
            try {
                URI u = URI.create(e.url().trim());
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                    problems.add(at + ".url: must be an absolute http(s) URL, got '" + e.safeUrl() + "'");
                }
                if (u.getRawQuery() != null) {
                    problems.add(at + ".url: must not carry a query string");
                }
            } catch (IllegalArgumentException bad) {
                problems.add(at + ".url: not a URL (" + bad.getMessage().replace(e.url(), "<url>") + ")");
            }
        }
        if (e.timeout() == null || e.timeout().isZero() || e.timeout().isNegative()) {
            problems.add(at + ".timeout: must be a positive duration, got " + e.timeout());
        }
        if (present(e.bearerToken()) && present(e.username())) {
            problems.add(at + ": set either bearer-token or username/password, not both");
        }
        if (present(e.password()) && !present(e.username())) {
            problems.add(at + ".password: set without a username");
        }
        if (e.insecureSkipTlsVerify() && present(e.caFile())) {
            problems.add(at + ": set either insecure-skip-tls-verify or ca-file, not both");
        }
        if (present(e.caFile()) && !Files.isReadable(Path.of(e.caFile()))) {
            problems.add(at + ".ca-file: cannot read " + e.caFile());
        }
    }

    private void selectionProblems(String at, Selection s, List<String> problems) {
        if (!endpoints.containsKey(s.endpoint())) {
            problems.add(at + ".endpoint: no endpoint '" + s.endpoint() + "' under rollgate.prometheus.endpoints"
                    + " (known: " + endpoints.keySet() + ")");
        }
        if (!QueryTemplates.names().contains(s.templates())) {
            problems.add(at + ".templates: must be one of " + QueryTemplates.names() + ", got '" + s.templates() + "'");
        }
        s.queries().forEach((key, q) -> {
            String where = at + ".queries." + key;
            if (QueryTemplates.gate(key).isEmpty()) {
                problems.add(where + ": not a gate; use error-rate, p99-latency or health");
                return;
            }
            check(where + ".bad", q.bad(), problems);
            check(where + ".total", q.total(), problems);
            check(where + ".display", q.display(), problems);
        });
    }

    private static void check(String at, String template, List<String> problems) {
        if (template == null || template.isBlank()) {
            return;
        }
        try {
            PromqlTemplate.parse(template);
        } catch (IllegalArgumentException bad) {
            problems.add(at + ": " + bad.getMessage());
        }
    }

    /** The queries an environment's gate runs: the set's, with the environment's overrides on top. */
    static Queries queries(Selection s, GateKind gate) {
        Queries shipped = QueryTemplates.get(s.templates(), gate).orElse(null);
        Queries override = null;
        for (Map.Entry<String, Queries> e : s.queries().entrySet()) {
            if (QueryTemplates.gate(e.getKey()).filter(gate::equals).isPresent()) {
                override = e.getValue();
            }
        }
        if (shipped == null) {
            return override;
        }
        return shipped.with(override);
    }

    static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
