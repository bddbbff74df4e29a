package dev.rollgate.videoapi.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Nothing listens on port 1: the application starts (no migration) but cannot reach its database. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "DB_HOST=127.0.0.1", "DB_PORT=1", "spring.flyway.enabled=false", "APP_VERSION=7.7.7-dbdown"})
@AutoConfigureWebTestClient
class DatabaseDownProbeTests {

    @Autowired
    WebTestClient client;

    @Test
    void reportsNotReadyWhenTheDatabaseIsUnreachable() {
        long start = System.nanoTime();
        client.get().uri("/ready").exchange()
                .expectStatus().isEqualTo(503)
                .expectBody()
                .jsonPath("$.status").isEqualTo("DOWN")
                .jsonPath("$.components.database.status").isEqualTo("DOWN")
                .jsonPath("$.components.faults.status").isEqualTo("UP");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void staysLiveWhenTheDatabaseIsUnreachable() {
        client.get().uri("/health").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("X-App-Version", "7.7.7-dbdown")
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }
}
