package dev.rollgate.controlplane.support;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import dev.rollgate.controlplane.platform.kubernetes.RequestCounter;
import dev.rollgate.controlplane.platform.kubernetes.SimulatedCluster;
import dev.rollgate.controlplane.platform.kubernetes.TcpRelay;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;

/**
 * One fabric8 mock API server (CRUD mode) for the whole test JVM, with the simulated Deployment controller on every
 * namespace. Started on first use and never stopped: Spring caches contexts across test classes, and the mock
 * server can block its event loop when a watch closes, so neither the server nor its watches are closed until the
 * JVM ends. Tests isolate by application name (and so Deployment name), not by server.
 */
public final class MockCluster {

    private static MockCluster instance;

    private final KubernetesMockServer server;
    private final RequestCounter requests = new RequestCounter();
    private final KubernetesClient client;
    private final KubernetesClient rollgateClient;
    private final Config rollgateConfig;
    private final SimulatedCluster simulator;
    private TcpRelay relay;
    private KubernetesClient relayedClient;

    private MockCluster() {
        // Mixed: an expectation (server().expect()) answers first, e.g. a Service proxy path; CRUD does the rest.
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
                expectations, new KubernetesMixedDispatcher(expectations), false);
        server.init();
        client = server.createClient();
        // As KubernetesConfiguration builds Rollgate's client: the engine retries, the client tries once.
        Config rollgate = new ConfigBuilder(client.getConfiguration())
                .withRequestRetryBackoffLimit(1)
                .withRequestTimeout(5_000)
                .build();
        rollgateConfig = rollgate;
        rollgateClient = server.createClient(builder -> requests.attachTo(builder.withConfig(rollgate)));
        simulator = SimulatedCluster.start(client);
    }

    public static synchronized MockCluster get() {
        if (instance == null) {
            instance = new MockCluster();
        }
        return instance;
    }

    /** Creates the namespaces that are not there yet: a release is refused for one the cluster does not have. */
    public synchronized void namespaces(Collection<String> names) {
        names.stream().distinct().forEach(name -> client.namespaces()
                .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .createOr(NonDeletingOperation::update));
    }

    /**
     * Answers the smoke checks of both of {@code app}'s tracks (through the API server's Service proxy, as the
     * k8stest profile has them) with 200 from now on.
     */
    public void answerSmokeChecks(String namespace, String app) {
        for (String track : List.of("stable", "canary")) {
            server.expect().get()
                    .withPath("/api/v1/namespaces/" + namespace + "/services/" + app + "-" + track + ":80/proxy/health")
                    .andReturn(200, "ok").always();
        }
    }

    public KubernetesMockServer server() {
        return server;
    }

    /** The client the Spring context gives Rollgate; every request it sends is in {@link #requests()}. */
    public KubernetesClient rollgateClient() {
        return rollgateClient;
    }

    /**
     * The API server as a client going through {@link #relay()} sees it: taken down there, it is gone for that client
     * only (connections refused, watches cut), while the tests' client and the simulated controller still reach it.
     */
    public synchronized TcpRelay relay() {
        if (relay == null) {
            relay = new TcpRelay(server.getPort());
        }
        return relay;
    }

    /**
     * Configured as {@link #rollgateClient()} and counted in {@link #requests()} too, but through {@link #relay()}:
     * a context given it (property {@value KubernetesTestCluster#THROUGH_RELAY}) loses the API server when the
     * relay goes down.
     */
    public synchronized KubernetesClient relayedClient() {
        if (relayedClient == null) {
            Config relayed = new ConfigBuilder(rollgateConfig)
                    .withMasterUrl("http://127.0.0.1:" + relay().port() + "/")
                    .build();
            relayedClient = server.createClient(builder -> requests.attachTo(builder.withConfig(relayed)));
        }
        return relayedClient;
    }

    /** A client for tests to look at or change the cluster with; its requests are not counted. */
    public KubernetesClient client() {
        return client;
    }

    /** Rollgate's requests only (not the simulator's, not the tests'): take a {@code window()} to count yours. */
    public RequestCounter requests() {
        return requests;
    }

    /**
     * The controller: inject faults per Deployment name ({@code <app>-<track>}) or image here. It serves every
     * test class of the JVM, so clear what you set ({@code clearFaults()} in an {@code @AfterEach}).
     */
    public SimulatedCluster simulator() {
        return simulator;
    }
}
