package dev.rollgate.controlplane.notify.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class TimedHttpClientTests {

    @Test
    void aServerThatAcceptsButNeverAnswersIsGivenUpOnAfterTheTimeout() throws Exception {
        List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HttpClient client = new TimedHttpClient(HttpClient.newHttpClient(), Duration.ofMillis(300));
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/x"))
                    .build();

            assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(HttpTimeoutException.class);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aRequestWithItsOwnTimeoutKeepsIt() {
        TimedHttpClient client = new TimedHttpClient(HttpClient.newHttpClient(), Duration.ofSeconds(10));
        HttpRequest own = HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).timeout(Duration.ofSeconds(2)).build();
        HttpRequest none = HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header("Accept", "x").build();

        assertThat(client.timed(own).timeout()).contains(Duration.ofSeconds(2));
        assertThat(client.timed(none).timeout()).contains(Duration.ofSeconds(10));
        assertThat(client.timed(none).headers().firstValue("Accept")).contains("x");
    }
}
