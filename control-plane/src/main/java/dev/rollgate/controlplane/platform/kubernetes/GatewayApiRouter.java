package dev.rollgate.controlplane.platform.kubernetes;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Splits traffic with the Gateway API: HTTPRoute {@code <app>} under the environment's parent Gateways, weighting
 * the Services {@code <app>-stable} / {@code <app>-canary}, with a rule sending {@code canary: true} to the preview
 * track's Service. Rollgate owns the route's parentRefs and rules whole: each change rebuilds them, so a header rule
 * left by an earlier release or a crash cannot survive the next route. Observed weights come from a label-selected
 * informer per namespace.
 */
public class GatewayApiRouter implements TrafficRouter, AutoCloseable {

    public static final String NAME = "gateway-api";

    private final KubernetesClient client;
    private final KubernetesProperties properties;
    private final Map<String, SharedIndexInformer<HTTPRoute>> informers = new ConcurrentHashMap<>();
    private final Observed<HTTPRoute> observed = new Observed<>(this::informer);
    private final OverwrittenChanges overwritten = new OverwrittenChanges();

    public GatewayApiRouter(KubernetesClient client, KubernetesProperties properties) {
        this.client = client;
        this.properties = properties;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Only when the HTTPRoute differs (as the informer holds it when current, else as read afresh) writes it in one
     * update (a create when absent). No
     * parentRefs configured for the environment is a permanent error: such a route would route nothing.
     */
    @Override
    public Mono<Void> route(Target target, Weights weights) {
        return Mono.fromRunnable(() -> {
            HTTPRoute desired = HttpRouteSpec.desired(target, weights, properties.environment(target.environment()));
            AtomicReference<HTTPRoute> replaced = new AtomicReference<>();
            boolean wrote = OptimisticWrites.write(routes(target), observed, target.namespace(),
                    target.application(), current -> {
                replaced.set(current);
                return current == null ? desired : HttpRouteSpec.reconcile(current, desired);
            }, properties.conflictRetries());
            if (wrote && replaced.get() != null) {
                overwritten.overwrote(key(target), replaced.get().getMetadata().getResourceVersion(),
                        foreignChangeIn(replaced.get(), target));
            }
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "write HTTPRoute " + target.application() + " in "
                        + target.namespace()))
                .then();
    }

    /**
     * As the informer last saw the HTTPRoute. No HTTPRoute means nothing splits traffic (nothing sends any to the
     * canary), which Rollgate reads as all on stable. An informer that is not watching, or a route
     * whose rules are not readable as Rollgate's, is a transient error, never all-stable.
     */
    @Override
    public Mono<Weights> current(Target target) {
        return Mono.fromCallable(() -> {
            SharedIndexInformer<HTTPRoute> informer = informer(target.namespace());
            if (!informer.isWatching()) {
                throw AdapterException.transientError("not watching HTTPRoutes in " + target.namespace());
            }
            HTTPRoute route = informer.getStore().getByKey(target.namespace() + "/" + target.application());
            if (route == null) {
                return Weights.ALL_STABLE;
            }
            Weights weights = HttpRouteSpec.weights(route);
            if (weights == null) {
                throw AdapterException.transientError("HTTPRoute " + target.application() + " in "
                        + target.namespace() + " has no readable catch-all rule over " + target.application()
                        + "-stable/-canary, so its weights are unknown");
            }
            return weights;
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "read HTTPRoute " + target.application()));
    }

    /**
     * From the informer, as {@link #route} decides from it too: whether the HTTPRoute's rules still say what its
     * {@code rollgate.dev/weights} records, and any such change a route put back before this could see it.
     */
    @Override
    public Mono<Optional<String>> foreignChange(Target target) {
        return Mono.fromCallable(() -> {
            SharedIndexInformer<HTTPRoute> informer = informer(target.namespace());
            if (!informer.isWatching()) {
                throw AdapterException.transientError("not watching HTTPRoutes in " + target.namespace());
            }
            HTTPRoute route = informer.getStore().getByKey(key(target));
            return overwritten.report(key(target), route == null ? null : route.getMetadata().getResourceVersion(),
                    route == null ? Optional.empty() : foreignChangeIn(route, target));
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> KubernetesErrors.map(e, "read HTTPRoute " + target.application()));
    }

    private static Optional<String> foreignChangeIn(HTTPRoute route, Target target) {
        Map<String, String> annotations = route.getMetadata().getAnnotations();
        return RouteRecord.foreignChange("HTTPRoute", target.application(), HttpRouteSpec.weights(route),
                annotations == null ? null : annotations.get(RouteRecord.ANNOTATION));
    }

    private static String key(Target target) {
        return target.namespace() + "/" + target.application();
    }

    private NonNamespaceOperation<HTTPRoute, KubernetesResourceList<HTTPRoute>, Resource<HTTPRoute>> routes(
            Target target) {
        return client.resources(HTTPRoute.class).inNamespace(target.namespace());
    }

    /** Started on first use; {@code inform()} returns once the initial list is in the store. */
    private SharedIndexInformer<HTTPRoute> informer(String namespace) {
        return informers.computeIfAbsent(namespace, ns -> client.resources(HTTPRoute.class).inNamespace(ns)
                .withLabel(RouteRecord.MANAGED_BY, RouteRecord.ROLLGATE).inform());
    }

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::close);
        informers.clear();
    }
}
