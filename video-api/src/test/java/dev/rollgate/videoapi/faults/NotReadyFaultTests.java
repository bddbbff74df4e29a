package dev.rollgate.videoapi.faults;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.videoapi.TestDatabase;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"DB_NAME=" + TestDatabase.NAME, "VIDEOAPI_FAULTS_READY=false"})
@AutoConfigureWebTestClient
class NotReadyFaultTests {

    @Autowired
    WebTestClient client;

    @Test
    void reportsNotReadyWhileTheDatabaseIsFine() {
        client.get().uri("/ready").exchange()
                .expectStatus().isEqualTo(503)
                .expectBody()
                .jsonPath("$.status").isEqualTo("DOWN")
                .jsonPath("$.components.faults.status").isEqualTo("DOWN")
                .jsonPath("$.components.database.status").isEqualTo("UP");
    }

    @Test
    void staysLiveAndKeepsServing() {
        client.get().uri("/health").exchange().expectStatus().isOk();
        client.get().uri("/api/subscriptions/plans").exchange().expectStatus().isOk();
    }
}
