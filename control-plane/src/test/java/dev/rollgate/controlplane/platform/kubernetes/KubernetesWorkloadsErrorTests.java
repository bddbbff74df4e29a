package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/** The mock server in expectations mode, answering the API errors a real cluster gives. */
class KubernetesWorkloadsErrorTests {

    private static final Target TARGET = new Target("video-api", "prod", "video-prod");
    private static final Revision V1 = new Revision("1.2.0", null, Map.of());
    private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/video-prod/deployments";

    private KubernetesMockServer server;
    private KubernetesClient client;
    private KubernetesWorkloads workloads;

    @BeforeEach
    void setUp() {
        server = new KubernetesMockServer(false);
        server.init();
        // The engine retries transient errors itself; the client's own backoff would only slow these tests.
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        workloads = new KubernetesWorkloads(client, KubernetesProperties.defaults(), app -> "img/" + app);
        server.expect().get().withPath(DEPLOYMENTS + "/video-api-stable").andReturn(404, status(404, "NotFound"))
                .always();
    }

    @AfterEach
    void tearDown() {
        workloads.close();
        client.close();
        server.destroy();
    }

    private static Status status(int code, String reason) {
        return new StatusBuilder().withCode(code).withReason(reason).withMessage(reason + " from the test").build();
    }

    private AdapterException applyFails() {
        Throwable t = catchThrowable(() -> workloads.apply(TARGET, Track.STABLE, V1).block());
        assertThat(t).isInstanceOf(AdapterException.class);
        return (AdapterException) t;
    }

    @Test
    void aForbiddenWriteIsPermanent() {
        server.expect().post().withPath(DEPLOYMENTS).andReturn(403, status(403, "Forbidden")).always();

        AdapterException e = applyFails();

        assertThat(e.permanent()).isTrue();
        assertThat(e.getMessage()).contains("403");
    }

    @Test
    void anInvalidObjectIsPermanent() {
        server.expect().post().withPath(DEPLOYMENTS).andReturn(422, status(422, "Invalid")).always();

        assertThat(applyFails().permanent()).isTrue();
    }

    @Test
    void aServerErrorOrThrottlingIsTransient() {
        server.expect().post().withPath(DEPLOYMENTS).andReturn(503, status(503, "ServiceUnavailable")).once();
        server.expect().post().withPath(DEPLOYMENTS).andReturn(429, status(429, "TooManyRequests")).always();

        assertThat(applyFails().permanent()).isFalse();
        assertThat(applyFails().permanent()).isFalse();
    }

    @Test
    void conflictsAreRetriedABoundedNumberOfTimesThenTransient() {
        server.expect().post().withPath(DEPLOYMENTS).andReturn(409, status(409, "AlreadyExists")).always();
        int before = server.getRequestCount();

        AdapterException e = applyFails();

        assertThat(e.permanent()).isFalse();
        // Each attempt is a read and a create: the first try and conflictRetries (3) more.
        assertThat(server.getRequestCount() - before).isEqualTo(2 * (1 + KubernetesProperties.defaults().conflictRetries()));
    }
}
