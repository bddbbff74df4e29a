package dev.rollgate.controlplane.platform.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The informers the Kubernetes adapters read instead of polling: per namespace, Rollgate's Deployments and pods
 * (by the release label), and every Service and HPA (Services and HPAs may be a chart's, without that label).
 * Each is started on first use. Shared by the workloads and the routers so a namespace is watched once.
 */
public final class ClusterCache implements AutoCloseable {

    private final KubernetesClient client;
    private final Map<String, SharedIndexInformer<Deployment>> deployments = new ConcurrentHashMap<>();
    private final Map<String, SharedIndexInformer<Pod>> pods = new ConcurrentHashMap<>();
    private final Map<String, SharedIndexInformer<Service>> services = new ConcurrentHashMap<>();
    private final Map<String, SharedIndexInformer<HorizontalPodAutoscaler>> autoscalers = new ConcurrentHashMap<>();
    private final Observed<Deployment> observedDeployments = new Observed<>(this::deployments);
    private final Observed<Service> observedServices = new Observed<>(this::services);

    public ClusterCache(KubernetesClient client) {
        this.client = client;
    }

    /** Shared by everyone writing Deployments, so a write by one is awaited by all. */
    Observed<Deployment> observedDeployments() {
        return observedDeployments;
    }

    Observed<Service> observedServices() {
        return observedServices;
    }

    SharedIndexInformer<Deployment> deployments(String namespace) {
        return deployments.computeIfAbsent(namespace, ns -> started(client.apps().deployments().inNamespace(ns)
                .withLabel(DeploymentSpec.RELEASE_LABEL).runnableInformer(0), "deployments", ns));
    }

    /** Pods carry the template's labels, so the same selection finds every track's pods. */
    SharedIndexInformer<Pod> pods(String namespace) {
        return pods.computeIfAbsent(namespace, ns -> started(client.pods().inNamespace(ns)
                .withLabel(DeploymentSpec.RELEASE_LABEL).runnableInformer(0), "pods", ns));
    }

    SharedIndexInformer<Service> services(String namespace) {
        return services.computeIfAbsent(namespace, ns -> started(client.services().inNamespace(ns)
                .runnableInformer(0), "services", ns));
    }

    SharedIndexInformer<HorizontalPodAutoscaler> autoscalers(String namespace) {
        return autoscalers.computeIfAbsent(namespace, ns -> started(client.autoscaling().v2()
                .horizontalPodAutoscalers().inNamespace(ns).runnableInformer(0), "horizontalpodautoscalers", ns));
    }

    /**
     * Returns once the initial list is in the store. One that cannot list (forbidden, no such API) is closed rather
     * than left retrying unseen, and the next use tries again; the error names what could not be watched.
     */
    private static <T extends HasMetadata> SharedIndexInformer<T> started(SharedIndexInformer<T> informer,
                                                                          String resource, String namespace) {
        try {
            informer.run();
            return informer;
        } catch (RuntimeException e) {
            informer.close();
            throw KubernetesErrors.map(e, "watch " + resource + " in " + namespace);
        }
    }

    Deployment deployment(String namespace, String name) {
        return deployments(namespace).getStore().getByKey(namespace + "/" + name);
    }

    Service service(String namespace, String name) {
        return services(namespace).getStore().getByKey(namespace + "/" + name);
    }

    /**
     * The minReplicas (1 when unset, as the API defaults it) of an HPA whose scaleTargetRef is the Deployment
     * {@code deployment}, or empty when none targets it.
     */
    Optional<Integer> autoscalerMinimum(String namespace, String deployment) {
        List<HorizontalPodAutoscaler> all = autoscalers(namespace).getStore().list();
        return all.stream()
                .filter(h -> h.getSpec() != null && targets(h.getSpec().getScaleTargetRef(), deployment))
                .map(h -> h.getSpec().getMinReplicas() == null ? 1 : h.getSpec().getMinReplicas())
                .findFirst();
    }

    private static boolean targets(CrossVersionObjectReference ref, String deployment) {
        return ref != null && "Deployment".equals(ref.getKind()) && deployment.equals(ref.getName())
                && (ref.getApiVersion() == null || ref.getApiVersion().startsWith("apps/"));
    }

    /** False when any of the informers the namespace has is not watching: its store may be old. */
    boolean watching(String namespace, Kind... kinds) {
        for (Kind kind : kinds) {
            SharedIndexInformer<? extends HasMetadata> informer = switch (kind) {
                case DEPLOYMENTS -> deployments(namespace);
                case PODS -> pods(namespace);
                case SERVICES -> services(namespace);
                case AUTOSCALERS -> autoscalers(namespace);
            };
            if (!informer.isWatching()) {
                return false;
            }
        }
        return true;
    }

    enum Kind { DEPLOYMENTS, PODS, SERVICES, AUTOSCALERS }

    @Override
    public void close() {
        for (Map<String, ? extends SharedIndexInformer<?>> m : List.of(deployments, pods, services, autoscalers)) {
            m.values().forEach(SharedIndexInformer::close);
            m.clear();
        }
    }
}
