package dev.rollgate.videoapi.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;

import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.rollgate.videoapi.TestDatabase;
import reactor.test.StepVerifier;

class DatabaseHealthIndicatorTests {

    @Test
    void reportsUpWhenTheDatabaseAnswers() {
        var indicator = indicator(TestDatabase.host(), Integer.parseInt(TestDatabase.port()), Duration.ofSeconds(5));

        StepVerifier.create(indicator.health())
                .assertNext(health -> assertThat(health.getStatus()).isEqualTo(Status.UP))
                .verifyComplete();
    }

    /** A server that accepts the connection but never speaks: only the timeout can end the check. */
    @Test
    void reportsDownWithinTheTimeoutWhenTheDatabaseHangs() throws IOException {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (!silent.isClosed()) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-postgres");
            acceptor.setDaemon(true);
            acceptor.start();

            var indicator = indicator("127.0.0.1", silent.getLocalPort(), Duration.ofMillis(500));

            StepVerifier.create(indicator.health())
                    .assertNext(health -> {
                        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                        assertThat(health.getDetails()).containsKey("error");
                    })
                    .expectComplete()
                    .verify(Duration.ofSeconds(5));
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    private static DatabaseHealthIndicator indicator(String host, int port, Duration timeout) {
        var options = ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "postgresql")
                .option(ConnectionFactoryOptions.HOST, host)
                .option(ConnectionFactoryOptions.PORT, port)
                .option(ConnectionFactoryOptions.USER, TestDatabase.user())
                .option(ConnectionFactoryOptions.PASSWORD, TestDatabase.password())
                .option(ConnectionFactoryOptions.DATABASE, TestDatabase.NAME)
                .build();
        return new DatabaseHealthIndicator(DatabaseClient.create(ConnectionFactories.get(options)), timeout);
    }
}
