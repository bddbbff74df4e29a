package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.policy.DeliveryPolicy;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The API errors a real cluster gives, as expectations in front of the CRUD mock server (expectations answer first,
 * the store the rest): informers still work, so one adapter serves the class and each test has its namespace.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesWorkloadsErrorTests {

    static KubernetesMockServer server;

    private static final Revision V1 = new Revision("1.2.0", null, Map.of());
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private static KubernetesClient client;
    private static KubernetesWorkloads workloads;
    private Target target;
    private String deployments;

    @BeforeAll
    static void startWorkloads() {
        // The engine retries transient errors itself; the client's own backoff would only slow these tests.
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        workloads = new KubernetesWorkloads(client, KubernetesProperties.defaults(), app -> "img/" + app,
                env -> new DeliveryPolicy.Rolling(Duration.ofMinutes(5)));
    }

    @AfterAll
    static void closeWorkloads() {
        workloads.close();
        client.close();
    }

    @BeforeEach
    void setUp() throws InterruptedException {
        target = new Target("video-api", "prod", "video-prod-" + NAMESPACES.incrementAndGet());
        deployments = "/apis/apps/v1/namespaces/" + target.namespace() + "/deployments";
        while (server.takeRequest(50, TimeUnit.MILLISECONDS) != null) {
            // drop what earlier tests sent
        }
    }

    private static Status status(int code, String reason) {
        return new StatusBuilder().withCode(code).withReason(reason).withMessage(reason + " from the test").build();
    }

    private AdapterException applyFails() {
        Throwable t = catchThrowable(() -> workloads.apply(target, Track.STABLE, V1).block());
        assertThat(t).isInstanceOf(AdapterException.class);
        return (AdapterException) t;
    }

    @Test
    void aForbiddenWriteIsPermanent() {
        server.expect().post().withPath(deployments).andReturn(403, status(403, "Forbidden")).always();

        AdapterException e = applyFails();

        assertThat(e.permanent()).isTrue();
        assertThat(e.getMessage()).contains("403").contains("video-api-stable");
    }

    @Test
    void anInvalidObjectIsPermanent() {
        server.expect().post().withPath(deployments).andReturn(422, status(422, "Invalid")).always();

        assertThat(applyFails().permanent()).isTrue();
    }

    @Test
    void aServerErrorOrThrottlingIsTransient() {
        server.expect().post().withPath(deployments).andReturn(503, status(503, "ServiceUnavailable")).once();
        server.expect().post().withPath(deployments).andReturn(429, status(429, "TooManyRequests")).always();

        assertThat(applyFails().permanent()).isFalse();
        assertThat(applyFails().permanent()).isFalse();
    }

    @Test
    void conflictsAreRetriedABoundedNumberOfTimesThenTransient() throws InterruptedException {
        server.expect().post().withPath(deployments).andReturn(409, status(409, "AlreadyExists")).always();

        AdapterException e = applyFails();

        assertThat(e.permanent()).isFalse();
        List<String> toTheDeployment = new ArrayList<>();
        for (RecordedRequest r; (r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null; ) {
            // The informer's list and watch carry a query; the attempts do not.
            if (r.getPath().startsWith(deployments) && !r.getPath().contains("?")) {
                toTheDeployment.add(r.getMethod());
            }
        }
        // Each attempt is a read and a create: the first try and conflictRetries (3) more.
        int attempts = 1 + KubernetesProperties.defaults().conflictRetries();
        assertThat(toTheDeployment).hasSize(2 * attempts).containsOnly("GET", "POST");
    }

    @Test
    void aTrackServiceThatMayNotBeCreatedIsPermanentAndNamed() {
        server.expect().post().withPath("/api/v1/namespaces/" + target.namespace() + "/services")
                .andReturn(403, status(403, "Forbidden")).always();

        AdapterException e = applyFails();

        assertThat(e.permanent()).isTrue();
        assertThat(e.getMessage()).contains("Service video-api-stable").contains("403");
    }

    @Test
    void autoscalersThatMayNotBeWatchedArePermanentAndNamed() {
        server.expect().get().withPath("/apis/autoscaling/v2/namespaces/" + target.namespace()
                + "/horizontalpodautoscalers?resourceVersion=0").andReturn(403, status(403, "Forbidden")).always();

        AdapterException e = applyFails();

        assertThat(e.permanent()).isTrue();
        assertThat(e.getMessage()).contains("watch horizontalpodautoscalers in " + target.namespace())
                .contains("403");
    }
}
