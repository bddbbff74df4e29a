package dev.rollgate.controlplane.platform.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.port.Workloads;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Tracks as Deployments {@code <app>-stable} / {@code <app>-canary}. Writes are optimistic (resourceVersion) and
 * skipped when the cluster already has the revision; status comes from one label-selected informer per namespace,
 * so polling the engine's observations costs no API calls.
 */
public class KubernetesWorkloads implements Workloads, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KubernetesWorkloads.class);
    /** Waiting reasons that do not resolve by waiting longer. */
    private static final Set<String> POD_FAILURES = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName",
            "CrashLoopBackOff", "CreateContainerConfigError");

    private final KubernetesClient client;
    private final KubernetesProperties properties;
    private final Function<String, String> applicationImage;
    private final Map<String, SharedIndexInformer<Deployment>> informers = new ConcurrentHashMap<>();
    private final Map<String, SharedIndexInformer<Pod>> podInformers = new ConcurrentHashMap<>();

    /** @param applicationImage the image repository of an application by name, or null when it has none */
    public KubernetesWorkloads(KubernetesClient client, KubernetesProperties properties,
                               Function<String, String> applicationImage) {
        this.client = client;
        this.properties = properties;
        this.applicationImage = applicationImage;
    }

    @Override
    public String platform() {
        return "kubernetes";
    }

    @Override
    public Mono<Void> apply(Target target, Track track, Revision revision) {
        return Mono.fromRunnable(() -> {
            Deployment desired = DeploymentSpec.desired(target, track, revision,
                    applicationImage.apply(target.application()), properties);
            write(target, track, current -> current == null || !sameRevisionAndScale(current, desired) ? desired : null);
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "apply " + DeploymentSpec.name(target, track)))
                .then();
    }

    @Override
    public Mono<Void> scaleToZero(Target target, Track track) {
        return Mono.fromRunnable(() -> write(target, track, current -> {
            if (current == null || Objects.equals(current.getSpec().getReplicas(), 0)) {
                return null;
            }
            current.getSpec().setReplicas(0);
            return current;
        })).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "scale to zero " + DeploymentSpec.name(target, track)))
                .then();
    }

    private static boolean sameRevisionAndScale(Deployment current, Deployment desired) {
        return Objects.equals(annotation(current), annotation(desired))
                && Objects.equals(current.getSpec().getReplicas(), desired.getSpec().getReplicas());
    }

    /**
     * Reads the Deployment afresh (never from the informer: a write needs the latest resourceVersion) and writes
     * what {@code change} makes of it, null meaning nothing to write. A lost race (409) is re-read and tried again.
     */
    private void write(Target target, Track track, UnaryOperator<Deployment> change) {
        RollableScalableResource<Deployment> resource = client.apps().deployments()
                .inNamespace(target.namespace()).withName(DeploymentSpec.name(target, track));
        for (int attempt = 0; ; attempt++) {
            Deployment current = resource.get();
            Deployment next = change.apply(current);
            if (next == null) {
                return;
            }
            try {
                if (current == null) {
                    client.apps().deployments().inNamespace(target.namespace()).resource(next).create();
                } else {
                    next.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
                    client.apps().deployments().inNamespace(target.namespace()).resource(next).update();
                }
                return;
            } catch (RuntimeException e) {
                if (!KubernetesErrors.conflict(e) || attempt >= properties.conflictRetries()) {
                    throw e;
                }
                log.debug("conflict writing {}, re-reading (attempt {})", DeploymentSpec.name(target, track), attempt + 1);
            }
        }
    }

    @Override
    public Mono<TrackStatus> status(Target target, Track track) {
        return Mono.fromCallable(() -> {
            SharedIndexInformer<Deployment> informer = informer(target.namespace());
            SharedIndexInformer<Pod> pods = podInformer(target.namespace());
            if (!informer.isWatching() || !pods.isWatching()) {
                // A cache that stopped watching would answer with old state, which the port forbids.
                throw AdapterException.transientError("not watching deployments or pods in " + target.namespace());
            }
            Deployment d = informer.getStore().getByKey(target.namespace() + "/" + DeploymentSpec.name(target, track));
            if (d == null) {
                return TrackStatus.absent();
            }
            Map<String, String> selector = DeploymentSpec.selector(target, track);
            List<Pod> trackPods = pods.getStore().list().stream()
                    .filter(p -> p.getMetadata().getLabels() != null
                            && p.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .toList();
            return toStatus(d, trackPods);
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "status of " + DeploymentSpec.name(target, track)));
    }

    /** Started on first use; {@code inform()} returns once the initial list is in the store. */
    private SharedIndexInformer<Deployment> informer(String namespace) {
        return informers.computeIfAbsent(namespace, ns -> client.apps().deployments().inNamespace(ns)
                .withLabel(DeploymentSpec.RELEASE_LABEL).inform());
    }

    /** Pods carry the template's labels, so the same selection finds every track's pods. */
    private SharedIndexInformer<Pod> podInformer(String namespace) {
        return podInformers.computeIfAbsent(namespace, ns -> client.pods().inNamespace(ns)
                .withLabel(DeploymentSpec.RELEASE_LABEL).inform());
    }

    /** @param pods the track's pods, of any revision */
    static TrackStatus toStatus(Deployment d, List<Pod> pods) {
        DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        Long generation = d.getMetadata().getGeneration();
        Long observed = s.getObservedGeneration();
        boolean caughtUp = generation != null && observed != null && observed >= generation;
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int updated = n(s.getUpdatedReplicas());
        // availableReplicas counts old pods too; only with no old pod left are they all this revision's.
        int available = updated == n(s.getReplicas()) ? n(s.getAvailableReplicas()) : 0;
        // A condition from before the controller saw the latest spec belongs to the previous revision.
        TrackStatus.Failure failure = caughtUp ? failure(s) : null;
        if (failure == null && caughtUp) {
            failure = podFailure(pods, annotation(d));
        }
        String version = d.getMetadata().getLabels() == null ? null : d.getMetadata().getLabels().get("version");
        String message = caughtUp
                ? "%d of %d updated, %d ready, %d available".formatted(updated, desired, n(s.getReadyReplicas()), available)
                : "waiting for the controller to observe generation " + generation;
        return new TrackStatus(annotation(d), version, desired, updated, n(s.getReadyReplicas()), available,
                caughtUp, failure, message);
    }

    private static TrackStatus.Failure failure(DeploymentStatus s) {
        if (s.getConditions() == null) {
            return null;
        }
        for (DeploymentCondition c : s.getConditions()) {
            boolean deadline = "Progressing".equals(c.getType()) && "False".equals(c.getStatus())
                    && "ProgressDeadlineExceeded".equals(c.getReason());
            boolean replicaFailure = "ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus());
            if (deadline || replicaFailure) {
                return new TrackStatus.Failure(c.getReason(), c.getMessage());
            }
        }
        return null;
    }

    /**
     * The controller reports a crash loop or an unpullable image only after the progress deadline; the pods say
     * so at once. Only pods of the current revision count: an old pod's trouble is not the new rollout's.
     */
    private static TrackStatus.Failure podFailure(List<Pod> pods, String revision) {
        for (Pod pod : pods) {
            Map<String, String> a = pod.getMetadata().getAnnotations();
            if (revision == null || a == null || !revision.equals(a.get(DeploymentSpec.REVISION_ANNOTATION))
                    || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                continue;
            }
            for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
                ContainerStateWaiting waiting = c.getState() == null ? null : c.getState().getWaiting();
                if (waiting != null && POD_FAILURES.contains(waiting.getReason())) {
                    return new TrackStatus.Failure(waiting.getReason(),
                            pod.getMetadata().getName() + ": " + waiting.getMessage());
                }
            }
        }
        return null;
    }

    private static String annotation(Deployment d) {
        Map<String, String> a = d.getMetadata().getAnnotations();
        return a == null ? null : a.get(DeploymentSpec.REVISION_ANNOTATION);
    }

    private static int n(Integer value) {
        return value == null ? 0 : value;
    }

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::close);
        informers.clear();
        podInformers.values().forEach(SharedIndexInformer::close);
        podInformers.clear();
    }
}
