package dev.rollgate.controlplane.platform.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Splits traffic with Istio: VirtualService {@code <app>} weighting the subsets {@code stable} / {@code canary} of
 * DestinationRule {@code <app>}, with a first route sending {@code canary: true} to the preview track. Rollgate owns
 * the VirtualService's hosts, gateways and http routes whole (as Flagger does): each change rebuilds them, so a
 * header route left by an earlier release or a crash cannot survive the next route. Observed weights come from a
 * label-selected informer per namespace, so the engine's polling costs no API calls.
 */
public class IstioRouter implements TrafficRouter, AutoCloseable {

    public static final String NAME = "istio";

    private final KubernetesClient client;
    private final KubernetesProperties properties;
    private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();
    private final Map<String, SharedIndexInformer<GenericKubernetesResource>> ruleInformers =
            new ConcurrentHashMap<>();
    private final Observed<GenericKubernetesResource> observedServices = new Observed<>(this::informer);
    private final Observed<GenericKubernetesResource> observedRules = new Observed<>(this::ruleInformer);
    private final OverwrittenChanges overwritten = new OverwrittenChanges();

    public IstioRouter(KubernetesClient client, KubernetesProperties properties) {
        this.client = client;
        this.properties = properties;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Writes only what differs from the cluster (the informers' copies when they are current, else fresh reads):
     * the DestinationRule first (a VirtualService naming a
     * subset that does not exist yet sends 503s), then the VirtualService in one update, so a new split is one
     * atomic change. A steady state writes nothing.
     */
    @Override
    public Mono<Void> route(Target target, Weights weights) {
        return Mono.fromRunnable(() -> {
            IstioRoutes.Routes desired = IstioRoutes.desired(target, weights,
                    properties.environment(target.environment()));
            write(destinationRules(target), observedRules, target, desired.destinationRule(),
                    IstioRoutes.DESTINATION_RULE_FIELDS);
            GenericKubernetesResource replaced = write(virtualServices(target), observedServices, target,
                    desired.virtualService(), IstioRoutes.VIRTUAL_SERVICE_FIELDS);
            if (replaced != null) {
                overwritten.overwrote(key(target), replaced.getMetadata().getResourceVersion(),
                        foreignChangeIn(replaced, target));
            }
        }).subscribeOn(Schedulers.boundedElastic()).then();
    }

    /** @return the object the write replaced, or null when it created one or wrote nothing */
    private GenericKubernetesResource write(NonNamespaceOperation<GenericKubernetesResource,
            GenericKubernetesResourceList, Resource<GenericKubernetesResource>> objects,
                                            Observed<GenericKubernetesResource> observed, Target target,
                                            GenericKubernetesResource desired, List<String> fields) {
        AtomicReference<GenericKubernetesResource> replaced = new AtomicReference<>();
        try {
            boolean wrote = OptimisticWrites.write(objects, observed, target.namespace(), target.application(),
                    current -> {
                replaced.set(current);
                return current == null ? desired : IstioRoutes.reconcile(current, desired, fields);
            }, properties.conflictRetries());
            return wrote ? replaced.get() : null;
        } catch (RuntimeException e) {
            throw (RuntimeException) KubernetesErrors.map(e,
                    "write " + desired.getKind() + " " + target.application() + " in " + target.namespace());
        }
    }

    /**
     * As the informer last saw the VirtualService. No VirtualService means Istio splits nothing: the Service
     * {@code <app>} alone decides, which is what Rollgate reads as all on stable. An informer that is not watching,
     * or a VirtualService whose Rollgate routes are not readable, is a transient error, never all-stable.
     */
    @Override
    public Mono<Weights> current(Target target) {
        return Mono.fromCallable(() -> {
            SharedIndexInformer<GenericKubernetesResource> informer = informer(target.namespace());
            if (!informer.isWatching()) {
                throw AdapterException.transientError("not watching VirtualServices in " + target.namespace());
            }
            GenericKubernetesResource vs = informer.getStore()
                    .getByKey(target.namespace() + "/" + target.application());
            if (vs == null) {
                return Weights.ALL_STABLE;
            }
            Weights weights = IstioRoutes.weights(vs);
            if (weights == null) {
                throw AdapterException.transientError(unreadable(target));
            }
            return weights;
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "read VirtualService " + target.application()));
    }

    private static String unreadable(Target target) {
        return "VirtualService " + target.application() + " in " + target.namespace() + " has no readable route "
                + IstioRoutes.PRIMARY_ROUTE + " over subsets stable/canary, so its weights are unknown";
    }

    /**
     * From the informer, as {@link #route} decides from it too: whether the VirtualService's routes still say what
     * its {@code rollgate.dev/weights} records, and any such change a route put back before this could see it.
     */
    @Override
    public Mono<Optional<String>> foreignChange(Target target) {
        return Mono.fromCallable(() -> {
            SharedIndexInformer<GenericKubernetesResource> informer = informer(target.namespace());
            if (!informer.isWatching()) {
                throw AdapterException.transientError("not watching VirtualServices in " + target.namespace());
            }
            GenericKubernetesResource vs = informer.getStore().getByKey(key(target));
            return overwritten.report(key(target), vs == null ? null : vs.getMetadata().getResourceVersion(),
                    vs == null ? Optional.empty() : foreignChangeIn(vs, target));
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "read VirtualService " + target.application()));
    }

    private static Optional<String> foreignChangeIn(GenericKubernetesResource vs, Target target) {
        Map<String, String> annotations = vs.getMetadata().getAnnotations();
        return RouteRecord.foreignChange("VirtualService", target.application(), IstioRoutes.weights(vs),
                annotations == null ? null : annotations.get(RouteRecord.ANNOTATION));
    }

    private static String key(Target target) {
        return target.namespace() + "/" + target.application();
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> virtualServices(Target target) {
        return client.genericKubernetesResources(IstioRoutes.VIRTUAL_SERVICES).inNamespace(target.namespace());
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> destinationRules(Target target) {
        return client.genericKubernetesResources(IstioRoutes.DESTINATION_RULES).inNamespace(target.namespace());
    }

    /** Started on first use; {@code inform()} returns once the initial list is in the store. */
    private SharedIndexInformer<GenericKubernetesResource> informer(String namespace) {
        return informers.computeIfAbsent(namespace, ns -> client.genericKubernetesResources(IstioRoutes.VIRTUAL_SERVICES)
                .inNamespace(ns).withLabel(RouteRecord.MANAGED_BY, RouteRecord.ROLLGATE).inform());
    }

    private SharedIndexInformer<GenericKubernetesResource> ruleInformer(String namespace) {
        return ruleInformers.computeIfAbsent(namespace, ns -> client
                .genericKubernetesResources(IstioRoutes.DESTINATION_RULES)
                .inNamespace(ns).withLabel(RouteRecord.MANAGED_BY, RouteRecord.ROLLGATE).inform());
    }

    @Override
    public void close() {
        for (Map<String, SharedIndexInformer<GenericKubernetesResource>> m : List.of(informers, ruleInformers)) {
            m.values().forEach(SharedIndexInformer::close);
            m.clear();
        }
    }
}
