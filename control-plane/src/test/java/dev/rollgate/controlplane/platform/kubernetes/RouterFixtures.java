package dev.rollgate.controlplane.platform.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/** What the router tests share: platform settings with one environment's options, and the mock server's log. */
final class RouterFixtures {

    private RouterFixtures() {
    }

    static KubernetesProperties.EnvironmentOptions options(List<String> hosts, List<String> gateways,
                                                           List<String> parentRefs) {
        return new KubernetesProperties.EnvironmentOptions(hosts, gateways, parentRefs, 8080, null, null, null);
    }

    static KubernetesProperties withEnvironment(String environment, KubernetesProperties.EnvironmentOptions o) {
        KubernetesProperties d = KubernetesProperties.defaults();
        return new KubernetesProperties(d.enabled(), d.kubeconfig(), d.context(), d.replicas(), d.canaryReplicas(),
                d.mirrorHpaMinimum(), d.progressDeadline(), d.conflictRetries(), d.configMap(), d.databaseSecret(),
                d.databaseSecretKey(), d.jwtSecret(), d.jwtSecretKey(), d.resources(), d.servicePort(), d.smoke(),
                Map.of(environment, o));
    }

    /** The requests since the last call, as "METHOD path"; draining the mock server's record of them. */
    static List<String> requests(KubernetesMockServer server) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        for (RecordedRequest r; (r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null; ) {
            seen.add(r.getMethod() + " " + r.getPath());
        }
        return seen;
    }

    static List<String> writes(KubernetesMockServer server) throws InterruptedException {
        return requests(server).stream().filter(r -> !r.startsWith("GET ")).toList();
    }

    /**
     * Looks until {@code foreignChange} reports something (it reads an informer, which sees an edit a moment after
     * it lands) and returns the report; each report is made once, so it is kept from the look that made it.
     */
    static String awaitReport(Supplier<Optional<String>> foreignChange) {
        AtomicReference<String> report = new AtomicReference<>();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> foreignChange.get().map(r -> {
                    report.set(r);
                    return true;
                }).orElse(false));
        return report.get();
    }

    static Status status(int code, String reason) {
        return new StatusBuilder().withCode(code).withReason(reason).withMessage(reason + " from the test").build();
    }
}
