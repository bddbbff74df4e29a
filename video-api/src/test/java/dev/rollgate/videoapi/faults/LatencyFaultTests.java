package dev.rollgate.videoapi.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.rollgate.videoapi.TestDatabase;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"DB_NAME=" + TestDatabase.NAME, "VIDEOAPI_FAULTS_LATENCY_MS=300"})
@AutoConfigureWebTestClient
class LatencyFaultTests {

    private static final Duration LATENCY = Duration.ofMillis(300);

    @Autowired
    WebTestClient client;

    @LocalServerPort
    int port;

    @Test
    void delaysEveryApiRequest() {
        for (int i = 0; i < 5; i++) {
            assertThat(timed("/api/subscriptions/plans")).isGreaterThanOrEqualTo(LATENCY);
            assertThat(timed("/api/videos")).isGreaterThanOrEqualTo(LATENCY);
        }
    }

    @Test
    void leavesProbesFast() {
        timed("/health");
        for (int i = 0; i < 5; i++) {
            assertThat(timed("/health")).isLessThan(LATENCY);
            assertThat(timed("/ready")).isLessThan(LATENCY);
        }
    }

    /**
     * Blocking a server thread for the delay would serialise requests on the few event-loop
     * threads; eight requests per thread would then need at least 8 x 300 ms.
     */
    @Test
    void delaysWithoutBlockingServerThreads() {
        int concurrent = 8 * Math.max(Runtime.getRuntime().availableProcessors(), 4);
        ConnectionProvider pool = ConnectionProvider.builder("latency-test").maxConnections(concurrent).build();
        try {
            WebClient web = WebClient.builder()
                    .baseUrl("http://127.0.0.1:" + port)
                    .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)))
                    .build();
            web.get().uri("/api/version").retrieve().toBodilessEntity().block();

            long start = System.nanoTime();
            Long ok = Flux.range(0, concurrent)
                    .flatMap(i -> web.get().uri("/api/version").retrieve().toBodilessEntity(), concurrent)
                    .filter(response -> response.getStatusCode().is2xxSuccessful())
                    .count()
                    .block(Duration.ofSeconds(30));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(ok).isEqualTo(concurrent);
            assertThat(elapsed).isGreaterThanOrEqualTo(LATENCY).isLessThan(LATENCY.multipliedBy(6));
        } finally {
            pool.dispose();
        }
    }

    private Duration timed(String path) {
        long start = System.nanoTime();
        client.get().uri(path).exchange().expectStatus().isOk().expectBody();
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
