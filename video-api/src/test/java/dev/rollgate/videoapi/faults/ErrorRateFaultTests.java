package dev.rollgate.videoapi.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.videoapi.TestDatabase;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"DB_NAME=" + TestDatabase.NAME, "VIDEOAPI_FAULTS_ERROR_RATE=0.3"})
@AutoConfigureWebTestClient
class ErrorRateFaultTests {

    private static final int REQUESTS = 400;

    @Autowired
    WebTestClient client;

    @Test
    void failsAboutThatShareOfApiRequests() {
        int failures = 0;
        for (int i = 0; i < REQUESTS; i++) {
            // expectBody consumes the body, which hands the connection back to the client's pool.
            int status = client.get().uri("/api/subscriptions/plans").exchange()
                    .expectBody().returnResult().getStatus().value();
            assertThat(status).isIn(200, 500);
            if (status == 500) {
                failures++;
            }
        }
        // Binomial(400, 0.3) has a standard deviation of 0.023: ±0.1 is more than four of them.
        assertThat((double) failures / REQUESTS).isBetween(0.2, 0.4);
    }

    @Test
    void answersInjectedFailuresWithProblemDetail() {
        for (int i = 0; i < 200; i++) {
            var result = client.get().uri("/api/subscriptions/plans").exchange()
                    .expectBody(String.class).returnResult();
            if (result.getStatus().value() == 500) {
                assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
                assertThat(result.getResponseHeaders().getFirst("X-App-Version")).isNotBlank();
                assertThat(result.getResponseBody()).contains("\"status\":500", "VIDEOAPI_FAULTS_ERROR_RATE");
                return;
            }
        }
        throw new AssertionError("no injected failure in 200 requests at an error rate of 0.3");
    }

    /** A gate that filters by route must see injected failures where a real bug would put them. */
    @Test
    void recordsInjectedFailuresUnderTheRequestedRoute() {
        for (int i = 0; i < 50; i++) {
            client.get().uri("/api/videos/{id}", 987654321).exchange().expectBody();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String scrape = client.get().uri("/actuator/prometheus").exchange()
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(scrape.lines()
                    .filter(line -> line.startsWith("http_server_requests_seconds_count{"))
                    .filter(line -> line.contains("status=\"500\"") && line.contains("uri=\"/api/videos/{id}\"")))
                    .isNotEmpty();
        });
    }

    @Test
    void leavesProbesAndMetricsAlone() {
        for (int i = 0; i < 200; i++) {
            client.get().uri("/health").exchange().expectStatus().isOk().expectBody();
            client.get().uri("/ready").exchange().expectStatus().isOk().expectBody();
        }
        for (int i = 0; i < 20; i++) {
            client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody();
        }
    }
}
