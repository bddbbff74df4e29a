package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;

/** The {@code kubernetes} health component over one shared, cached reachability answer. */
class KubernetesHealthIndicatorTests {

    private KubernetesMockServer server;
    private KubernetesClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
    }

    private KubernetesClient mockServer() {
        server = new KubernetesMockServer(false);
        server.init();
        server.setVersionInfo(new VersionInfo.Builder().withMajor("1").withMinor("31").withGitVersion("v1.31.2")
                .build());
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        return client;
    }

    private static KubernetesClient clientFor(String masterUrl) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(masterUrl).withRequestRetryBackoffLimit(0)
                .withRequestTimeout(10_000).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static Health health(ClusterReachability reachability) {
        return new KubernetesHealthIndicator(reachability).health().block(Duration.ofSeconds(10));
    }

    @Test
    void anAnsweringApiServerIsUpWithItsVersion() {
        KubernetesClient c = mockServer();

        Health health = health(new ClusterReachability(c));

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("version", "v1.31.2")
                .containsEntry("server", c.getMasterUrl().toString());
    }

    @Test
    void anUnreachableApiServerIsDownWithTheReason() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        client = clientFor("http://127.0.0.1:" + closed);

        Health health = health(new ClusterReachability(client));

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("server", "http://127.0.0.1:" + closed + "/");
        assertThat((String) health.getDetails().get("error")).startsWith("did not answer: ")
                .contains("Connection refused");
    }

    @Test
    void anApiServerThatHangsIsDownWithinTheBound() throws IOException {
        // Connections queue in the backlog and are never served: the client waits for an answer that never comes.
        try (ServerSocket silent = new ServerSocket(0)) {
            client = clientFor("http://127.0.0.1:" + silent.getLocalPort());
            long started = System.nanoTime();

            Health health = health(new ClusterReachability(client, Duration.ofMillis(300), Duration.ofSeconds(5)));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("error", "did not answer within 300 ms");
        }
    }

    @Test
    void anApiServerRefusingRollgatesCredentialsIsDown() throws IOException {
        // The mock API server always answers /version itself, so a plain HTTP server plays the refusing one.
        try (MockWebServer refusing = new MockWebServer()) {
            refusing.enqueue(new MockResponse().setResponseCode(401).setHeader("Content-Type", "application/json")
                    .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                            + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}"));
            refusing.start();
            client = clientFor(refusing.url("/").toString());

            Health health = health(new ClusterReachability(client));

            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("error")).startsWith("answered HTTP 401: ")
                    .contains("Unauthorized");
        }
    }

    @Test
    void probesWithinTheTtlShareOneRequestAndALaterOneAsksAgain() {
        ClusterReachability reachability = new ClusterReachability(mockServer(), Duration.ofSeconds(2),
                Duration.ofSeconds(1));
        int before = server.getRequestCount();

        for (int i = 0; i < 5; i++) {
            assertThat(health(reachability).getStatus()).isEqualTo(Status.UP);
        }
        assertThat(server.getRequestCount() - before).isEqualTo(1);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> health(reachability) != null && server.getRequestCount() - before >= 2);
    }

    @Test
    void theAnswerSaysWhichServerAndWhy() {
        ClusterReachability.Answer down = new ClusterReachability.Answer("https://10.0.0.1:6443/", null,
                "did not answer: ConnectException: Connection refused");

        assertThat(down.reachable()).isFalse();
        assertThat(down.describe())
                .isEqualTo("the API server at https://10.0.0.1:6443/ did not answer: ConnectException: Connection refused");
        assertThat(new ClusterReachability.Answer("https://10.0.0.1:6443/", "v1.31.2", null).reachable()).isTrue();
    }
}
