package dev.rollgate.videoapi.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.videoapi.VideoApiTest;
import dev.rollgate.videoapi.version.AppVersion;

@VideoApiTest
class PrometheusMetricsTests {

    @Autowired
    WebTestClient client;

    @Autowired
    AppVersion appVersion;

    /** Rollgate's latency gate reads the bucket at its threshold; it must exist exactly, tagged with the version. */
    @Test
    void exposesRequestHistogramWithHalfSecondBucketAndVersionTag() {
        client.get().uri("/api/subscriptions/plans").exchange().expectStatus().isOk();

        // The timer is recorded when the exchange completes, which can be just after the client has its response.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(series("http_server_requests_seconds_bucket",
                "uri=\"/api/subscriptions/plans\"", "le=\"0.5\"", "application=\"video-api\"",
                "version=\"" + appVersion.version() + "\""))
                .anySatisfy(line -> assertThat(value(line)).isPositive()));
    }

    @Test
    void countsResponsesByStatus() {
        client.get().uri("/api/videos/987654321").exchange().expectStatus().isNotFound();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(series("http_server_requests_seconds_count",
                "uri=\"/api/videos/{id}\"", "status=\"404\""))
                .anySatisfy(line -> assertThat(value(line)).isPositive()));
    }

    /** Sample lines of one metric carrying all the given labels (label values may contain braces, e.g. {id}). */
    private List<String> series(String metric, String... labels) {
        String body = client.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return body.lines()
                .filter(line -> line.startsWith(metric + "{"))
                .filter(line -> Arrays.stream(labels).allMatch(line::contains))
                .toList();
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
