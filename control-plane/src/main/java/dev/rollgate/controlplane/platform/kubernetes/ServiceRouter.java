package dev.rollgate.controlplane.platform.kubernetes;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The {@code service} router: no mesh, only the Service {@code <app>} clients call.
 * <ul>
 * <li>All traffic on one track (blue-green, rolling, the canary's start and end): the Service's selector is
 *     {@code {app, track}}, so a switch is one write of one object.</li>
 * <li>Split (both weights above 0): the selector is {@code {app}}, taking both tracks' pods, and the candidate's
 *     Deployment is scaled so its share of the pods approximates its weight ({@link Replicas#forWeight}). The
 *     candidate is {@code weights.preview()} when set, else the CANARY track; the other track's count is read,
 *     never written (its HPA or its operator owns it). A candidate with an HPA of its own cannot be split this
 *     way and is refused (permanent).</li>
 * <li>{@code <app>-preview} selects {@code weights.preview()} when set, created when missing; without a preview it
 *     is moved to the live track (the one all traffic is on, or the candidate's other when split) so it never
 *     points at a retired colour, and is not created.</li>
 * </ul>
 * The share is of pods, not of requests: kube-proxy balances connections, so long-lived connections (HTTP/2,
 * keep-alive pools) and session affinity move it away from the pod ratio. What is achieved is logged and is what
 * {@link #current} reports. Every write is made only when the cluster differs (a steady state costs nothing but
 * informer reads), Service updates carry the resourceVersion read (409: re-read, try again), and the selector
 * written is recorded in {@value ServiceSpec#ROUTE_ANNOTATION} so a change by someone else can be told.
 */
public class ServiceRouter implements TrafficRouter {

    public static final String NAME = "service";

    private static final Logger log = LoggerFactory.getLogger(ServiceRouter.class);

    private final KubernetesClient client;
    private final KubernetesProperties properties;
    private final ClusterCache cache;
    private final OverwrittenChanges overwritten = new OverwrittenChanges();

    public ServiceRouter(KubernetesClient client, KubernetesProperties properties, ClusterCache cache) {
        this.client = client;
        this.properties = properties;
        this.cache = cache;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<Void> route(Target target, Weights weights) {
        return Mono.fromRunnable(() -> {
            Track preview = weights.preview();
            Track only = onlyTrack(weights);
            if (only != null) {
                select(target, only);
                point(target, preview == null ? only : preview, preview != null);
            } else {
                Track candidate = preview == null ? Track.CANARY : preview;
                // Pods first, then the selector: a split opens onto a candidate already sized for its weight.
                scaleFor(target, candidate, weights.of(candidate));
                select(target, null);
                point(target, preview == null ? candidate.other() : preview, preview != null);
            }
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "route " + target.key() + " through Service "
                        + ServiceSpec.mainName(target)))
                .then();
    }

    private static Track onlyTrack(Weights weights) {
        if (weights.stable() == 100) {
            return Track.STABLE;
        }
        return weights.canary() == 100 ? Track.CANARY : null;
    }

    private void select(Target target, Track track) {
        Map<String, String> selector = ServiceSpec.selector(target, track);
        if (ensure(target, ServiceSpec.mainName(target), selector, ServiceSpec.route(track),
                ServiceSpec.main(target, track, properties))) {
            log.info("Service {} in {} now selects {}", ServiceSpec.mainName(target), target.namespace(),
                    track == null ? "both tracks" : "track " + track.id());
        }
    }

    private void point(Target target, Track track, boolean create) {
        ensure(target, ServiceSpec.previewName(target), ServiceSpec.selector(target, track), null,
                create ? ServiceSpec.preview(target, track, properties) : null);
    }

    /**
     * Makes Service {@code name} select {@code selector} (and carry {@code route}, when not null), creating it as
     * {@code created} when missing (null: leave it missing).
     *
     * @return whether anything was written
     */
    private boolean ensure(Target target, String name, Map<String, String> selector, String route, Service created) {
        String namespace = target.namespace();
        Observed<Service> observed = cache.observedServices();
        Observed.Copy<Service> copy = observed.copy(namespace, name);
        if (copy.current() && (copy.object() == null ? created == null : is(copy.object(), selector, route))) {
            return false;
        }
        var services = client.services().inNamespace(namespace);
        for (int attempt = 0; ; attempt++) {
            Service current = services.withName(name).get();
            observed.sawOnServer(namespace, name, current);
            try {
                if (current == null) {
                    if (created == null) {
                        return false;
                    }
                    observed.sawOnServer(namespace, name, services.resource(created).create());
                    return true;
                }
                if (is(current, selector, route)) {
                    return false;
                }
                if (route != null) {
                    // Read afresh, this may show an edit the informer had not yet when foreignChange looked.
                    overwritten.overwrote(target.key(), current.getMetadata().getResourceVersion(),
                            foreignChangeIn(current, target));
                }
                ServiceBuilder next = new ServiceBuilder(current).editSpec().withSelector(selector).endSpec();
                if (route != null) {
                    next.editMetadata().addToAnnotations(ServiceSpec.ROUTE_ANNOTATION, route).endMetadata();
                }
                observed.sawOnServer(namespace, name, services.resource(next.build()).update());
                return true;
            } catch (RuntimeException e) {
                if (!KubernetesErrors.conflict(e) || attempt >= properties.conflictRetries()) {
                    throw e;
                }
                log.debug("conflict writing Service {}, re-reading (attempt {})", name, attempt + 1);
            }
        }
    }

    private static boolean is(Service s, Map<String, String> selector, String route) {
        return s.getSpec() != null && Objects.equals(s.getSpec().getSelector(), selector)
                && (route == null || route.equals(annotation(s)));
    }

    private void scaleFor(Target target, Track candidate, int weight) {
        String namespace = target.namespace();
        String name = DeploymentSpec.name(target, candidate);
        String baseName = DeploymentSpec.name(target, candidate.other());
        if (cache.autoscalerMinimum(namespace, name).isPresent()) {
            throw AdapterException.permanent("an HPA owns the replicas of " + name + ", and the service router splits"
                    + " traffic by replica ratio: remove the HPA of the candidate or route with istio or gateway-api");
        }
        boolean watching = cache.watching(namespace, ClusterCache.Kind.DEPLOYMENTS);
        var deployments = client.apps().deployments().inNamespace(namespace);
        Deployment base = watching ? cache.deployment(namespace, baseName) : deployments.withName(baseName).get();
        int baseReplicas = base == null ? 0 : KubernetesWorkloads.replicas(base);
        int wanted = Replicas.forWeight(baseReplicas, weight);
        Observed<Deployment> observed = cache.observedDeployments();
        Observed.Copy<Deployment> copy = observed.copy(namespace, name);
        if (copy.current() && copy.object() != null && KubernetesWorkloads.replicas(copy.object()) == wanted) {
            return;
        }
        Deployment current = deployments.withName(name).get();
        observed.sawOnServer(namespace, name, current);
        if (current == null) {
            throw AdapterException.transientError(name + " does not exist: it must run before traffic is split to it");
        }
        if (KubernetesWorkloads.replicas(current) == wanted) {
            return;
        }
        observed.sawOnServer(namespace, name, deployments.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"replicas\":" + wanted + "}}"));
        log.info("{}: {} scaled to {} beside {} of {}: {} % of the pods for a {} % weight (replica ratio)",
                target.key(), name, wanted, baseReplicas, baseName, Replicas.share(wanted, baseReplicas), weight);
    }

    /**
     * A selector naming a track puts everything on it; one without a track splits by the two Deployments' ready
     * replicas (their spec counts while none is ready). Without the Service nothing was routed: all stable — unless
     * the canary track runs, when nobody can tell where its traffic goes. The preview is reported when
     * {@code <app>-preview} selects a track other than the one all traffic is on.
     */
    @Override
    public Mono<Weights> current(Target target) {
        return Mono.fromCallable(() -> {
            String namespace = target.namespace();
            if (!cache.watching(namespace, ClusterCache.Kind.SERVICES, ClusterCache.Kind.DEPLOYMENTS)) {
                throw AdapterException.transientError("not watching services or deployments in " + namespace);
            }
            Deployment stable = cache.deployment(namespace, DeploymentSpec.name(target, Track.STABLE));
            Deployment canary = cache.deployment(namespace, DeploymentSpec.name(target, Track.CANARY));
            Service main = cache.service(namespace, ServiceSpec.mainName(target));
            Weights weights;
            if (main == null) {
                if (canary != null && KubernetesWorkloads.replicas(canary) > 0) {
                    throw AdapterException.transientError("Service " + ServiceSpec.mainName(target) + " is missing in "
                            + namespace + " while " + canary.getMetadata().getName() + " runs: traffic unknown");
                }
                weights = Weights.ALL_STABLE;
            } else {
                weights = observed(target, main, stable, canary);
            }
            Track preview = previewTrack(target);
            return preview == null || weights.of(preview) == 100 ? weights : weights.withPreview(preview);
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "read the route of " + target.key()));
    }

    private static Weights observed(Target target, Service main, Deployment stable, Deployment canary) {
        Map<String, String> selector = main.getSpec() == null ? null : main.getSpec().getSelector();
        String name = main.getMetadata().getName();
        if (selector == null || selector.isEmpty()) {
            throw AdapterException.transientError("Service " + name + " has no selector: traffic unknown");
        }
        String track = selector.get("track");
        if (track != null) {
            Track t = track(track);
            if (t == null) {
                throw AdapterException.transientError("Service " + name + " selects track '" + track
                        + "', which is none of Rollgate's");
            }
            return Weights.all(t);
        }
        boolean stableSelected = selects(selector, stable);
        boolean canarySelected = selects(selector, canary);
        if (!stableSelected && !canarySelected && (stable != null || canary != null)) {
            throw AdapterException.transientError("Service " + name + " selects " + new TreeMap<>(selector)
                    + ", which matches neither track's pods");
        }
        int stableReady = stableSelected ? ready(stable) : 0;
        int canaryReady = canarySelected ? ready(canary) : 0;
        boolean anyReady = stableReady + canaryReady > 0;
        int s = !stableSelected ? 0 : anyReady ? stableReady : KubernetesWorkloads.replicas(stable);
        int c = !canarySelected ? 0 : anyReady ? canaryReady : KubernetesWorkloads.replicas(canary);
        return Weights.canary(Replicas.share(c, s));
    }

    private static boolean selects(Map<String, String> selector, Deployment d) {
        if (d == null || d.getSpec() == null || d.getSpec().getTemplate() == null
                || d.getSpec().getTemplate().getMetadata() == null) {
            return false;
        }
        Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
        return labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    /** Ready pods of a Deployment asked to run; one scaled to zero counts none, even while its pods terminate. */
    private static int ready(Deployment d) {
        if (KubernetesWorkloads.replicas(d) == 0 || d.getStatus() == null || d.getStatus().getReadyReplicas() == null) {
            return 0;
        }
        return d.getStatus().getReadyReplicas();
    }

    private Track previewTrack(Target target) {
        Service preview = cache.service(target.namespace(), ServiceSpec.previewName(target));
        Map<String, String> selector = preview == null || preview.getSpec() == null ? null
                : preview.getSpec().getSelector();
        return selector == null ? null : track(selector.get("track"));
    }

    /**
     * Compared with the informer's copy of {@code <app>}: the selector against what
     * {@value ServiceSpec#ROUTE_ANNOTATION} says Rollgate set. A Service Rollgate never wrote has nothing to report.
     */
    @Override
    public Mono<Optional<String>> foreignChange(Target target) {
        return Mono.fromCallable(() -> {
            String namespace = target.namespace();
            if (!cache.watching(namespace, ClusterCache.Kind.SERVICES)) {
                throw AdapterException.transientError("not watching services in " + namespace);
            }
            Service main = cache.service(namespace, ServiceSpec.mainName(target));
            return overwritten.report(target.key(), main == null ? null : main.getMetadata().getResourceVersion(),
                    foreignChangeIn(main, target));
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "read the route of " + target.key()));
    }

    private static Optional<String> foreignChangeIn(Service main, Target target) {
        String set = main == null ? null : annotation(main);
        if (set == null) {
            return Optional.empty();
        }
        Map<String, String> actual = main.getSpec() == null ? null : main.getSpec().getSelector();
        Track setTrack = track(set);
        if (!ServiceSpec.BOTH.equals(set) && setTrack == null) {
            return Optional.of("Service " + main.getMetadata().getName() + " says Rollgate set '" + set
                    + "', which Rollgate never writes; putting it back");
        }
        if (Objects.equals(actual, ServiceSpec.selector(target, setTrack))) {
            return Optional.empty();
        }
        return Optional.of("Service %s selected %s where Rollgate set %s; putting it back".formatted(
                main.getMetadata().getName(), describe(target, actual),
                setTrack == null ? "both tracks" : setTrack.id()));
    }

    private static String describe(Target target, Map<String, String> selector) {
        if (selector == null || selector.isEmpty()) {
            return "no pods (no selector)";
        }
        if (selector.equals(ServiceSpec.selector(target, null))) {
            return "both tracks";
        }
        Track t = track(selector.get("track"));
        if (t != null && selector.equals(ServiceSpec.selector(target, t))) {
            return "track " + t.id();
        }
        return "pods by " + new TreeMap<>(selector);
    }

    private static Track track(String id) {
        for (Track t : Track.values()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        return null;
    }

    private static String annotation(Service s) {
        Map<String, String> a = s.getMetadata().getAnnotations();
        return a == null ? null : a.get(ServiceSpec.ROUTE_ANNOTATION);
    }
}
