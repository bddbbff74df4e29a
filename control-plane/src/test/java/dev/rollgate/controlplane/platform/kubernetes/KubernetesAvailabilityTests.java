package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/** {@code Workloads.unavailable} of the Kubernetes platform: the mock server in expectations mode. */
class KubernetesAvailabilityTests {

    private static final Target TARGET = new Target("video-api", "prod", "video-prod");
    private static final String NAMESPACE = "/api/v1/namespaces/video-prod";

    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void setUp() {
        server = new KubernetesMockServer(false);
        server.init();
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
    }

    @AfterEach
    void tearDown() {
        client.close();
        server.destroy();
    }

    private static Optional<String> unavailable(KubernetesClient c) {
        try (KubernetesWorkloads workloads = new KubernetesWorkloads(c, KubernetesProperties.defaults(), app -> null,
                env -> null)) {
            return workloads.unavailable(TARGET).block(Duration.ofSeconds(10));
        }
    }

    @Test
    void aReachableClusterWithTheNamespaceTakesReleases() {
        server.expect().get().withPath(NAMESPACE).andReturn(200, new NamespaceBuilder().withNewMetadata()
                .withName("video-prod").endMetadata().build()).always();

        assertThat(unavailable(client)).isEmpty();
    }

    @Test
    void aMissingNamespaceIsSaidWithTheCluster() {
        // Expectations mode answers 404 to anything not expected: the namespace is not there.
        assertThat(unavailable(client))
                .contains("namespace video-prod does not exist on the cluster at " + client.getMasterUrl());
    }

    @Test
    void aNamespaceRollgateMayNotReadIsNoReasonToRefuse() {
        server.expect().get().withPath(NAMESPACE).andReturn(403, new StatusBuilder().withCode(403)
                .withReason("Forbidden").withMessage("namespaces \"video-prod\" is forbidden").build()).always();

        assertThat(unavailable(client)).isEmpty();
    }

    @Test
    void aFailingNamespaceReadRefusesWithTheApiServersWords() {
        server.expect().get().withPath(NAMESPACE).andReturn(500, new StatusBuilder().withCode(500)
                .withReason("InternalError").withMessage("etcdserver: request timed out").build()).always();

        assertThat(unavailable(client)).get().asString()
                .startsWith("reading namespace video-prod from the API server at " + client.getMasterUrl())
                .contains("HTTP 500", "etcdserver: request timed out");
    }

    @Test
    void anUnreachableApiServerRefusesSayingWhichAndWhy() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + closed)
                .withRequestRetryBackoffLimit(0).build();
        try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(config).build()) {
            assertThat(unavailable(unreachable)).get().asString()
                    .startsWith("the API server at http://127.0.0.1:" + closed + "/ did not answer: ")
                    .contains("Connection refused");
        }
    }
}
