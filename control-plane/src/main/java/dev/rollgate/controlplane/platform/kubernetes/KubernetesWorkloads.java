package dev.rollgate.controlplane.platform.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rollgate.controlplane.policy.DeliveryPolicy;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.port.Workloads;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Tracks as Deployments {@code <app>-stable} / {@code <app>-canary}, each with its Service {@code <app>-<track>}.
 * Writes are skipped when the cluster already has the revision, so a steady state costs no request at all;
 * template changes are updates carrying the resourceVersion read (a lost race, 409, is re-read and tried again),
 * changes of the count alone are JSON merge patches. The count follows {@link Replicas#desired}: Rollgate sets it
 * when a track is created or brought back from zero and leaves it to whoever owns it afterwards (an HPA, the
 * {@code service} router, an operator). Status comes from informers ({@link ClusterCache}), so polling the
 * engine's observations costs no API calls.
 */
public class KubernetesWorkloads implements Workloads, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KubernetesWorkloads.class);
    /** Waiting reasons that do not resolve by waiting longer. */
    private static final Set<String> POD_FAILURES = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName",
            "CrashLoopBackOff", "CreateContainerConfigError");

    private final KubernetesClient client;
    private final KubernetesProperties properties;
    private final Function<String, String> applicationImage;
    private final Function<String, DeliveryPolicy> policies;
    private final ClusterCache cache;
    private final boolean ownsCache;
    private final ClusterReachability reachability;

    /**
     * @param applicationImage the image repository of an application by name, or null when it has none
     * @param policies         the delivery policy of an environment by name, or null when it has none; it decides
     *                         how many replicas a new track runs
     * @param cache            informers shared with the routers; closed by whoever made it
     * @param reachability     shared with the health component, so both tell the same story from one request
     */
    public KubernetesWorkloads(KubernetesClient client, KubernetesProperties properties,
                               Function<String, String> applicationImage, Function<String, DeliveryPolicy> policies,
                               ClusterCache cache, ClusterReachability reachability) {
        this(client, properties, applicationImage, policies, cache, false, reachability);
    }

    public KubernetesWorkloads(KubernetesClient client, KubernetesProperties properties,
                               Function<String, String> applicationImage, Function<String, DeliveryPolicy> policies,
                               ClusterCache cache) {
        this(client, properties, applicationImage, policies, cache, false, new ClusterReachability(client));
    }

    /** With informers of its own, closed with it. */
    public KubernetesWorkloads(KubernetesClient client, KubernetesProperties properties,
                               Function<String, String> applicationImage, Function<String, DeliveryPolicy> policies) {
        this(client, properties, applicationImage, policies, new ClusterCache(client), true,
                new ClusterReachability(client));
    }

    private KubernetesWorkloads(KubernetesClient client, KubernetesProperties properties,
                                Function<String, String> applicationImage, Function<String, DeliveryPolicy> policies,
                                ClusterCache cache, boolean ownsCache, ClusterReachability reachability) {
        this.client = client;
        this.properties = properties;
        this.applicationImage = applicationImage;
        this.policies = policies;
        this.cache = cache;
        this.ownsCache = ownsCache;
        this.reachability = reachability;
    }

    @Override
    public String platform() {
        return "kubernetes";
    }

    /** Also creates the track's Service when missing; one that exists (a chart's, perhaps) is left as it is. */
    @Override
    public Mono<Void> apply(Target target, Track track, Revision revision) {
        return Mono.fromRunnable(() -> {
            String image = applicationImage.apply(target.application());
            write(target, track, current -> applying(target, track, revision, image, current));
            ensureTrackService(target, track);
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "apply " + DeploymentSpec.name(target, track)))
                .then();
    }

    private Write applying(Target target, Track track, Revision revision, String image, Deployment current) {
        String namespace = target.namespace();
        KubernetesProperties.EnvironmentOptions options = properties.environment(target.environment());
        Integer now = current == null ? null : replicas(current);
        int wanted = Replicas.desired(policies.apply(target.environment()), track, now,
                cache.autoscalerMinimum(namespace, DeploymentSpec.name(target, track)).orElse(null),
                cache.autoscalerMinimum(namespace, DeploymentSpec.name(target, Track.STABLE)).orElse(null),
                options.replicas(), options.canaryReplicas(), properties.mirrorHpaMinimum());
        Deployment desired = DeploymentSpec.desired(target, track, revision, image, properties, wanted);
        if (current == null) {
            return new Create(desired);
        }
        if (Objects.equals(annotation(current), revision.digest())) {
            return wanted == now ? null : new Scale(wanted);
        }
        return new Update(desired);
    }

    @Override
    public Mono<Void> scaleToZero(Target target, Track track) {
        return Mono.fromRunnable(() -> write(target, track,
                        current -> current == null || replicas(current) == 0 ? null : new Scale(0)))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "scale to zero " + DeploymentSpec.name(target, track)))
                .then();
    }

    /**
     * Unreachable API server, or a target namespace that does not exist (every write would be a permanent 404).
     * A namespace Rollgate may not read (no cluster-scoped {@code get namespaces}) is not a reason to refuse:
     * the release's own writes will say whether it may act there.
     */
    @Override
    public Mono<Optional<String>> unavailable(Target target) {
        return reachability.check().flatMap(answer -> answer.reachable()
                ? namespaceMissing(target.namespace(), answer.server())
                : Mono.just(Optional.of(answer.describe())));
    }

    private Mono<Optional<String>> namespaceMissing(String namespace, String server) {
        return Mono.fromCallable(() -> Optional.ofNullable(client.namespaces().withName(namespace).get()))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(ClusterReachability.TIMEOUT)
                .map(found -> found.isPresent() ? Optional.<String>empty()
                        : Optional.of("namespace " + namespace + " does not exist on the cluster at " + server))
                .onErrorResume(e -> {
                    if (e instanceof KubernetesClientException k && (k.getCode() == 401 || k.getCode() == 403)) {
                        log.debug("cannot read namespace {} ({}); not refusing on its account", namespace,
                                k.getCode());
                        return Mono.just(Optional.empty());
                    }
                    return Mono.just(Optional.of("reading namespace " + namespace + " from the API server at "
                            + server + " failed: " + ClusterReachability.reason(e, ClusterReachability.TIMEOUT)));
                });
    }

    /** What one attempt writes: a new Deployment, a new template (the count as read), or the count alone. */
    private sealed interface Write permits Create, Update, Scale {
    }

    private record Create(Deployment deployment) implements Write {
    }

    private record Update(Deployment deployment) implements Write {
    }

    private record Scale(int replicas) implements Write {
    }

    /** The API server defaults an unset count to 1. */
    static int replicas(Deployment d) {
        Integer r = d.getSpec() == null ? null : d.getSpec().getReplicas();
        return r == null ? 1 : r;
    }

    /**
     * Writes what {@code change} makes of the Deployment, null meaning nothing to write. The informer's copy settles
     * "nothing to write" when it is current ({@link Observed}); anything else is decided again on a fresh read
     * (a write needs the latest resourceVersion). A lost race (409) is re-read and tried again.
     */
    private void write(Target target, Track track, Function<Deployment, Write> change) {
        String name = DeploymentSpec.name(target, track);
        String namespace = target.namespace();
        Observed<Deployment> observed = cache.observedDeployments();
        Observed.Copy<Deployment> copy = observed.copy(namespace, name);
        if (copy.current() && change.apply(copy.object()) == null) {
            return;
        }
        var deployments = client.apps().deployments().inNamespace(namespace);
        for (int attempt = 0; ; attempt++) {
            Deployment current = deployments.withName(name).get();
            observed.sawOnServer(namespace, name, current);
            Write next = change.apply(current);
            if (next == null) {
                return;
            }
            try {
                Deployment written;
                if (next instanceof Create c) {
                    log.info("creating {} in {} with {} replica(s) for {}", name, namespace,
                            c.deployment().getSpec().getReplicas(), c.deployment().getMetadata().getLabels().get("version"));
                    written = deployments.resource(c.deployment()).create();
                } else if (next instanceof Update u) {
                    u.deployment().getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
                    written = deployments.resource(u.deployment()).update();
                } else {
                    // Last writer wins on the count alone: it is all this write says, so there is nothing to merge.
                    written = deployments.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"replicas\":" + ((Scale) next).replicas() + "}}");
                }
                observed.sawOnServer(namespace, name, written);
                return;
            } catch (RuntimeException e) {
                if (!KubernetesErrors.conflict(e) || attempt >= properties.conflictRetries()) {
                    throw e;
                }
                log.debug("conflict writing {}, re-reading (attempt {})", name, attempt + 1);
            }
        }
    }

    /** The informer answers at no cost; a read confirms a miss, which may only be the informer lagging. */
    private void ensureTrackService(Target target, Track track) {
        String name = ServiceSpec.trackName(target, track);
        String namespace = target.namespace();
        if (cache.service(namespace, name) != null) {
            return;
        }
        var services = client.services().inNamespace(namespace);
        try {
            if (services.withName(name).get() != null) {
                return;
            }
            Service service = ServiceSpec.track(target, track, properties);
            services.resource(service).create();
            log.info("created Service {} in {}", name, namespace);
        } catch (RuntimeException e) {
            if (!KubernetesErrors.conflict(e)) {
                throw KubernetesErrors.map(e, "create Service " + name);
            }
        }
    }

    @Override
    public Mono<TrackStatus> status(Target target, Track track) {
        return Mono.fromCallable(() -> {
            SharedIndexInformer<Pod> pods = cache.pods(target.namespace());
            if (!cache.watching(target.namespace(), ClusterCache.Kind.DEPLOYMENTS, ClusterCache.Kind.PODS)) {
                // A cache that stopped watching would answer with old state, which the port forbids.
                throw AdapterException.transientError("not watching deployments or pods in " + target.namespace());
            }
            Deployment d = cache.deployment(target.namespace(), DeploymentSpec.name(target, track));
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
        if (ownsCache) {
            cache.close();
        }
    }
}
