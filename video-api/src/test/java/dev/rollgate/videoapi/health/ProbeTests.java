package dev.rollgate.videoapi.health;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.videoapi.VideoApiTest;

@VideoApiTest
class ProbeTests {

    @Autowired
    WebTestClient client;

    @Test
    void answersLivenessAtHealth() {
        client.get().uri("/health").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void answersReadinessAtReadyWithDatabaseAndFaultsComponents() {
        client.get().uri("/ready").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.database.status").isEqualTo("UP")
                .jsonPath("$.components.faults.status").isEqualTo("UP")
                .jsonPath("$.components.readinessState.status").isEqualTo("UP");
    }

    @Test
    void keepsTheDatabaseOutOfLiveness() {
        client.get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.database").doesNotExist();
    }
}
