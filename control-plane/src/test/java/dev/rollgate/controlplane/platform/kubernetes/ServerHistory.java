package dev.rollgate.controlplane.platform.kubernetes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * Every version of the Services and Deployments of one namespace that the API server sent out, in order, from
 * informers on a test client. A watch is told of each write, so unlike polling nothing between two looks is
 * missed: a selector switched there and back shows as two changes. The informers are never closed, as
 * {@link dev.rollgate.controlplane.support.MockCluster} keeps its watches open: closing a watch can block the mock
 * server's event loop, and the server outlives every test class.
 */
final class ServerHistory {

    private static final Map<String, ServerHistory> BY_NAMESPACE = new ConcurrentHashMap<>();

    /** One version of an object as the watch delivered it, and when it arrived. */
    record Version<T>(T object, Instant seenAt) {
    }

    private final Map<String, List<Version<Service>>> services = new ConcurrentHashMap<>();
    private final Map<String, List<Version<Deployment>>> deployments = new ConcurrentHashMap<>();

    private ServerHistory() {
    }

    /** The history of {@code namespace}, started (initial lists in) on first use and shared from then on. */
    static ServerHistory of(KubernetesClient client, String namespace) {
        return BY_NAMESPACE.computeIfAbsent(namespace, ns -> {
            ServerHistory history = new ServerHistory();
            client.services().inNamespace(ns).inform(history.recorder(history.services), 0);
            client.apps().deployments().inNamespace(ns).inform(history.recorder(history.deployments), 0);
            return history;
        });
    }

    private <T extends HasMetadata> ResourceEventHandler<T> recorder(Map<String, List<Version<T>>> into) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                record(into, object);
            }

            @Override
            public void onUpdate(T old, T object) {
                record(into, object);
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
            }
        };
    }

    private static <T extends HasMetadata> void record(Map<String, List<Version<T>>> into, T object) {
        List<Version<T>> versions = into.computeIfAbsent(object.getMetadata().getName(), n -> new ArrayList<>());
        synchronized (versions) {
            // A relist after a dropped watch hands over versions already seen.
            boolean seen = versions.stream().anyMatch(v -> Objects.equals(
                    v.object().getMetadata().getResourceVersion(), object.getMetadata().getResourceVersion()));
            if (!seen) {
                versions.add(new Version<>(object, Instant.now()));
            }
        }
    }

    List<Version<Service>> service(String name) {
        return copy(services, name);
    }

    List<Version<Deployment>> deployment(String name) {
        return copy(deployments, name);
    }

    /** Which track Service {@code name} selected, one entry per change: {@code [stable, canary, stable]}. */
    List<String> selectedTracks(String name) {
        return changes(service(name), s -> s.getSpec().getSelector() == null ? "none"
                : s.getSpec().getSelector().getOrDefault("track", "both"));
    }

    /** Deployment {@code name}'s {@code spec.replicas}, one entry per change. */
    List<Integer> replicas(String name) {
        return changes(deployment(name), KubernetesWorkloads::replicas);
    }

    /** The revision annotation of Deployment {@code name}'s template, one entry per change. */
    List<String> templateRevisions(String name) {
        return changes(deployment(name), d -> d.getSpec().getTemplate().getMetadata().getAnnotations()
                .get(DeploymentSpec.REVISION_ANNOTATION));
    }

    /** {@code what} of each version, consecutive repeats dropped: one entry per change of that one thing. */
    static <T, R> List<R> changes(List<Version<T>> versions, Function<T, R> what) {
        List<R> changes = new ArrayList<>();
        for (Version<T> v : versions) {
            R value = what.apply(v.object());
            if (changes.isEmpty() || !Objects.equals(changes.get(changes.size() - 1), value)) {
                changes.add(value);
            }
        }
        return changes;
    }

    private static <T> List<Version<T>> copy(Map<String, List<Version<T>>> from, String name) {
        List<Version<T>> versions = from.get(name);
        if (versions == null) {
            return List.of();
        }
        synchronized (versions) {
            return List.copyOf(versions);
        }
    }
}
