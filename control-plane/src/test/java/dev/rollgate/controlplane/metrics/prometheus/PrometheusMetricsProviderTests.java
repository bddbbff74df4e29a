package dev.rollgate.controlplane.metrics.prometheus;

import static dev.rollgate.controlplane.metrics.prometheus.FakePrometheus.file;
import static dev.rollgate.controlplane.metrics.prometheus.FakePrometheus.scalar;
import static dev.rollgate.controlplane.metrics.prometheus.FakePrometheus.silence;
import static dev.rollgate.controlplane.metrics.prometheus.FakePrometheus.text;
import static dev.rollgate.controlplane.metrics.prometheus.FakePrometheus.vector;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.metrics.prometheus.PrometheusProperties.Endpoint;
import dev.rollgate.controlplane.metrics.prometheus.PrometheusProperties.Selection;
import dev.rollgate.controlplane.metrics.prometheus.QueryTemplates.Queries;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Track;
import reactor.test.StepVerifier;

class PrometheusMetricsProviderTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Selection SIMPLE = new Selection("default", QueryTemplates.ROLLGATE,
            Map.of("error-rate", new Queries("bad_q", "total_q", "display_q")));

    private final FakePrometheus prometheus = new FakePrometheus();

    @AfterEach
    void stop() throws IOException {
        prometheus.close();
    }

    private static Endpoint endpoint(String url, Duration timeout) {
        return new Endpoint(url, timeout, null, null, null, false, null);
    }

    private static PrometheusMetricsProvider provider(Endpoint endpoint, Selection selection) {
        return new PrometheusMetricsProvider(new PrometheusEnvironments(new PrometheusProperties(
                Map.of("default", endpoint), Map.of("staging", selection))));
    }

    private PrometheusMetricsProvider provider() {
        return provider(endpoint(prometheus.url(), TIMEOUT), SIMPLE);
    }

    private static GateQuery query(GateKind gate, String version) {
        return new GateQuery(new Target("video-api", "staging", "video-staging"), Track.CANARY, version, gate,
                Duration.ofSeconds(30), gate == GateKind.LATENCY ? Duration.ofMillis(500) : null);
    }

    private static GateQuery errorRate() {
        return query(GateKind.ERROR_RATE, "2.0.0");
    }

    private void answers(String bad, String total, String display) {
        prometheus.answer("bad_q", vector(bad)).answer("total_q", vector(total)).answer("display_q", vector(display));
    }

    @Test
    void vectorAnswersBecomeCountsRoundedToTheNearestWholeRequest() {
        answers("12.4", "200.6", "6.18");

        StepVerifier.create(provider().sample(errorRate()))
                .expectNext(new Sample(12, 201, 6.18))
                .verifyComplete();
    }

    @Test
    void scalarAnswersAreValuesToo() {
        prometheus.answer("bad_q", scalar("3")).answer("total_q", scalar("60")).answer("display_q", scalar("5"));

        StepVerifier.create(provider().sample(errorRate())).expectNext(new Sample(3, 60, 5.0)).verifyComplete();
    }

    @Test
    void anEmptyTotalIsNoDataNotAHealthyZero() {
        prometheus.answer("bad_q", vector("0")).answer("total_q", file(200, "vector-empty.json"))
                .answer("display_q", vector("0"));

        StepVerifier.create(provider().sample(errorRate())).verifyComplete();
    }

    @Test
    void anEmptyBadCountIsNoData() {
        prometheus.answer("bad_q", file(200, "vector-empty.json")).answer("total_q", vector("100"))
                .answer("display_q", vector("0"));

        StepVerifier.create(provider().sample(errorRate())).verifyComplete();
    }

    @Test
    void notANumberIsNoData() {
        answers("NaN", "NaN", "NaN");

        StepVerifier.create(provider().sample(errorRate())).verifyComplete();
    }

    @Test
    void infinityIsNoData() {
        answers("1", "+Inf", "1");

        StepVerifier.create(provider().sample(errorRate())).verifyComplete();
    }

    @Test
    void aDisplayWithoutValueLeavesTheCountsStanding() {
        answers("0", "80", "NaN");

        StepVerifier.create(provider().sample(errorRate())).expectNext(new Sample(0, 80, null)).verifyComplete();
    }

    @Test
    void extrapolatedCountsAreClampedIntoAValidSample() {
        answers("101.2", "100.9", "100");
        StepVerifier.create(provider().sample(errorRate())).expectNext(new Sample(101, 101, 100.0)).verifyComplete();

        answers("-0.4", "-2", "0");
        StepVerifier.create(provider().sample(errorRate())).expectNext(new Sample(0, 0, 0.0)).verifyComplete();
    }

    @Test
    void anErrorStatusIsAnErrorCarryingPrometheussMessage() {
        answers("1", "10", "10");
        prometheus.answer("total_q", file(400, "error-bad-data.json"));

        StepVerifier.create(provider().sample(errorRate()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PrometheusException.class).hasMessage(
                        "endpoint 'default' (" + prometheus.url() + ") error-rate total query: HTTP 400: bad_data:"
                                + " invalid parameter \"query\": 1:14: parse error: unexpected right parenthesis ')'"))
                .verify();
    }

    @Test
    void anErrorStatusInA200IsStillAnError() {
        answers("1", "10", "10");
        prometheus.answer("bad_q", file(200, "error-bad-data.json"));

        StepVerifier.create(provider().sample(errorRate()))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("error-rate bad query: bad_data:"))
                .verify();
    }

    @Test
    void whenEveryQueryFailsTheTotalQuerysFailureIsReported() {
        prometheus.otherwise(file(503, "error-bad-data.json"));

        StepVerifier.create(provider().sample(errorRate()))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("error-rate total query: HTTP 503"))
                .verify();
        assertThat(prometheus.queries()).containsExactlyInAnyOrder("bad_q", "total_q", "display_q");
    }

    @Test
    void aServerErrorIsAnError() {
        answers("1", "10", "10");
        prometheus.answer("total_q", text(500, "internal server error\n"));

        StepVerifier.create(provider().sample(errorRate()))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageEndingWith(
                        "total query: HTTP 500: internal server error"))
                .verify();
    }

    @Test
    void noAnswerWithinTheTimeoutIsAnError() {
        answers("1", "10", "10");
        prometheus.answer("total_q", silence());
        PrometheusMetricsProvider provider = provider(endpoint(prometheus.url(), Duration.ofMillis(300)), SIMPLE);

        StepVerifier.create(provider.sample(errorRate()))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageEndingWith("total query: no answer within 300 ms"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aGarbageBodyIsAnError() {
        answers("1", "10", "10");
        prometheus.answer("bad_q", () -> FakePrometheus.json(200, "<html><body>Bad Gateway</body></html>"));

        StepVerifier.create(provider().sample(errorRate()))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageEndingWith(
                        "bad query: malformed answer, not JSON: <html><body>Bad Gateway</body></html>"))
                .verify();
    }

    @Test
    void moreThanOneSeriesIsAnErrorAskingForAnAggregation() {
        answers("1", "10", "10");
        prometheus.answer("total_q", file(200, "vector-two-series.json"));

        StepVerifier.create(provider().sample(errorRate()))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("returned 2 series")
                        .hasMessageContaining("sum(...)"))
                .verify();
    }

    @Test
    void aRangeResultIsAnError() {
        answers("1", "10", "10");
        prometheus.answer("total_q", file(200, "matrix.json"));

        StepVerifier.create(provider().sample(errorRate()))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("returned a matrix"))
                .verify();
    }

    @Test
    void anUnreachablePrometheusIsAnError() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        PrometheusMetricsProvider provider = provider(endpoint("http://127.0.0.1:" + closed, TIMEOUT), SIMPLE);

        StepVerifier.create(provider.sample(errorRate()))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("cannot reach it")
                        .hasMessageContaining("Connection refused"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void theShippedQueriesAreSentAsRenderedPromqlWithEscapedValues() {
        prometheus.otherwise(vector("1"));
        PrometheusMetricsProvider provider = provider(endpoint(prometheus.url(), TIMEOUT),
                new Selection("default", QueryTemplates.ROLLGATE, Map.of()));

        StepVerifier.create(provider.sample(query(GateKind.ERROR_RATE, "2.0\"} or vector(1) #\\")))
                .expectNextCount(1).verifyComplete();

        String selector = "application=\"video-api\", environment=\"staging\", track=\"canary\","
                + " version=\"2.0\\\"} or vector(1) #\\\\\"";
        String total = "sum(increase(rollgate_proxy_requests_seconds_count{" + selector + "}[30s]))";
        String bad = "sum(increase(rollgate_proxy_requests_seconds_count{" + selector + ", outcome=\"5xx\"}[30s]))"
                + " or vector(0)";
        assertThat(prometheus.queries()).containsExactlyInAnyOrder(bad, total, "100 * (" + bad + ") / " + total);
        assertThat(prometheus.requests()).allSatisfy(r -> {
            assertThat(r.getMethod()).isEqualTo("GET");
            assertThat(r.getRequestUrl().encodedPath()).isEqualTo("/api/v1/query");
            assertThat(r.getHeader("Authorization")).isNull();
        });
    }

    @Test
    void theLatencyGateCountsRequestsAboveTheThresholdBucket() {
        prometheus.otherwise(vector("1"));
        PrometheusMetricsProvider provider = provider(endpoint(prometheus.url(), TIMEOUT),
                new Selection("default", QueryTemplates.ROLLGATE, Map.of()));

        StepVerifier.create(provider.sample(query(GateKind.LATENCY, "2.0.0"))).expectNextCount(1).verifyComplete();

        String selector = "application=\"video-api\", environment=\"staging\", track=\"canary\", version=\"2.0.0\"";
        String total = "sum(increase(rollgate_proxy_requests_seconds_count{" + selector + "}[30s]))";
        assertThat(prometheus.queries()).containsExactlyInAnyOrder(
                total + " - sum(increase(rollgate_proxy_requests_seconds_bucket{" + selector + ", le=\"0.5\"}[30s]))",
                total,
                "1000 * histogram_quantile(0.99, sum by (le) (rate(rollgate_proxy_requests_seconds_bucket{" + selector
                        + "}[30s])))");
    }

    @Test
    void aBearerTokenIsSentWithEveryQuery() {
        answers("0", "10", "0");
        PrometheusMetricsProvider provider = provider(new Endpoint(prometheus.url(), TIMEOUT, "s3cr3t-token", null,
                null, false, null), SIMPLE);

        StepVerifier.create(provider.sample(errorRate())).expectNextCount(1).verifyComplete();

        assertThat(prometheus.requests()).hasSize(3)
                .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer s3cr3t-token"));
    }

    @Test
    void basicCredentialsAreSentWithEveryQuery() {
        answers("0", "10", "0");
        PrometheusMetricsProvider provider = provider(new Endpoint(prometheus.url(), TIMEOUT, null, "rollgate",
                "pa:ss", false, null), SIMPLE);

        StepVerifier.create(provider.sample(errorRate())).expectNextCount(1).verifyComplete();

        String expected = "Basic " + Base64.getEncoder().encodeToString("rollgate:pa:ss".getBytes());
        assertThat(prometheus.requests()).allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo(expected));
    }

    @Test
    void aPathPrefixInTheUrlIsKept() {
        answers("0", "10", "0");
        PrometheusMetricsProvider provider = provider(endpoint(prometheus.url("/prometheus/"), TIMEOUT), SIMPLE);

        StepVerifier.create(provider.sample(errorRate())).expectNextCount(1).verifyComplete();

        assertThat(prometheus.requests()).allSatisfy(r ->
                assertThat(r.getRequestUrl().encodedPath()).isEqualTo("/prometheus/api/v1/query"));
    }

    @Test
    void anEnvironmentWithoutEndpointGetsAnErrorNamingTheProperty() {
        PrometheusMetricsProvider provider = new PrometheusMetricsProvider(new PrometheusEnvironments(
                new PrometheusProperties(Map.of(), Map.of())));

        StepVerifier.create(provider.sample(errorRate()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PrometheusException.class)
                        .hasMessageContaining("rollgate.prometheus.endpoints.default.url"))
                .verify();
    }

    @Test
    void theSmokeGateIsNotMeasured() {
        StepVerifier.create(provider().sample(query(GateKind.SMOKE, "2.0.0")))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("not measured by Prometheus"))
                .verify();
        assertThat(prometheus.requests()).isEmpty();
    }
}
