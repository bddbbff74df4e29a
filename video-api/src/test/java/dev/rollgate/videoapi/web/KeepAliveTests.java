package dev.rollgate.videoapi.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import dev.rollgate.videoapi.VideoApiTest;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Rollgate's proxy reuses connections. Alternating a database-backed request with one answered
 * synchronously used to stall the connection (see KeepAliveStallWorkaroundFilter).
 */
@VideoApiTest
class KeepAliveTests {

    @LocalServerPort
    int port;

    private ConnectionProvider oneConnection;
    private WebClient client;

    @BeforeEach
    void useASingleKeptAliveConnection() {
        oneConnection = ConnectionProvider.builder("keep-alive-test").maxConnections(1).build();
        client = WebClient.builder()
                .baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(oneConnection)))
                .build();
    }

    @AfterEach
    void closeConnection() {
        oneConnection.dispose();
    }

    @Test
    void answersEveryRequestOnOneKeptAliveConnection() {
        List<String> paths = List.of("/api/videos?size=1", "/api/version", "/api/subscriptions/plans",
                "/api/videos?size=0", "/api/videos/987654321", "/health");
        for (int i = 0; i < 300; i++) {
            String path = paths.get(i % paths.size());
            var response = client.get().uri(path).retrieve()
                    .onStatus(status -> true, r -> Mono.empty())
                    .toBodilessEntity()
                    .block(Duration.ofSeconds(3));
            assertThat(response).as("request %d to %s", i, path).isNotNull();
        }
    }
}
