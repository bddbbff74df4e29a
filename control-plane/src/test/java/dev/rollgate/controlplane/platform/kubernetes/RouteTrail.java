package dev.rollgate.controlplane.platform.kubernetes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Polls one route object on the server (with a client whose requests Rollgate's counter never sees) and keeps
 * every distinct split it saw, in order. The objects are read here by their raw shape, not with the routers' own
 * parsers, so a parser that misreads cannot make a wrong object look right.
 */
final class RouteTrail implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RouteTrail.class);
    private static final Duration EVERY = Duration.ofMillis(10);

    /**
     * @param preview  where {@code canary: true} goes (a subset or a Service name), null when there is no header
     *                 route
     * @param generation the object's metadata.generation: +1 per spec change, so a gap shows a missed state
     * @param alongside  what the trail's second reader said just after this split was first seen, or null
     */
    record Split(int stable, int canary, String preview, long generation, String alongside) {
        String pair() {
            return stable + "/" + canary;
        }

        /** {@code 95/5/canary}, {@code 100/0/-}. */
        String withPreview() {
            return pair() + "/" + (preview == null ? "-" : preview);
        }
    }

    private final Supplier<Split> read;
    private final Supplier<String> alongside;
    private final List<Split> seen = new ArrayList<>();
    private final ScheduledExecutorService poller;

    private RouteTrail(Supplier<Split> read, Supplier<String> alongside) {
        this.read = read;
        this.alongside = alongside;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "route-trail");
            t.setDaemon(true);
            return t;
        });
        poll();
        poller.scheduleWithFixedDelay(this::poll, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    static RouteTrail virtualService(KubernetesClient client, String namespace, String name) {
        return virtualService(client, namespace, name, () -> null);
    }

    /** @param alongside read right after each sighting of a new split, e.g. what a Deployment runs at that moment */
    static RouteTrail virtualService(KubernetesClient client, String namespace, String name,
                                     Supplier<String> alongside) {
        return new RouteTrail(() -> virtualService(client.genericKubernetesResources(IstioRoutes.VIRTUAL_SERVICES)
                .inNamespace(namespace).withName(name).get()), alongside);
    }

    static RouteTrail httpRoute(KubernetesClient client, String namespace, String name) {
        return new RouteTrail(() -> httpRoute(client.resources(HTTPRoute.class).inNamespace(namespace)
                .withName(name).get()), () -> null);
    }

    private void poll() {
        try {
            Split now = read.get();
            if (now == null) {
                return;
            }
            Split previous = last();
            if (previous == null || !sameSplit(previous, now)) {
                Split noted = new Split(now.stable(), now.canary(), now.preview(), now.generation(), alongside.get());
                synchronized (seen) {
                    seen.add(noted);
                }
            }
        } catch (RuntimeException e) {
            log.debug("could not read the route: {}", e.toString());
        }
    }

    private static boolean sameSplit(Split a, Split b) {
        return a.stable() == b.stable() && a.canary() == b.canary() && Objects.equals(a.preview(), b.preview());
    }

    /** Every distinct split, header route included, as {@code 95/5/canary}. */
    List<String> splits() {
        return snapshot().stream().map(Split::withPreview).toList();
    }

    /** The distinct (stable, canary) pairs one after another, as {@code 95/5}. */
    List<String> pairs() {
        List<String> pairs = new ArrayList<>();
        snapshot().forEach(s -> {
            if (pairs.isEmpty() || !pairs.get(pairs.size() - 1).equals(s.pair())) {
                pairs.add(s.pair());
            }
        });
        return pairs;
    }

    /** The generations the splits were seen at: consecutive numbers mean no spec change went unseen. */
    List<Long> generations() {
        return snapshot().stream().map(Split::generation).toList();
    }

    Split last() {
        List<Split> all = snapshot();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    List<Split> snapshot() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }

    /** Route {@code rollgate-primary}'s subset weights and where route {@code rollgate-preview} sends the header. */
    static Split virtualService(GenericKubernetesResource vs) {
        if (vs == null) {
            return null;
        }
        int stable = 0;
        int canary = 0;
        String preview = null;
        for (Object route : list(map(vs.getAdditionalProperties().get("spec")).get("http"))) {
            Map<String, Object> http = map(route);
            List<Object> destinations = list(http.get("route"));
            if (IstioRoutes.PRIMARY_ROUTE.equals(http.get("name"))) {
                for (Object d : destinations) {
                    String subset = String.valueOf(map(map(d).get("destination")).get("subset"));
                    int weight = ((Number) map(d).get("weight")).intValue();
                    if (subset.equals("stable")) {
                        stable += weight;
                    } else if (subset.equals("canary")) {
                        canary += weight;
                    }
                }
            } else if (IstioRoutes.PREVIEW_ROUTE.equals(http.get("name"))) {
                boolean onHeader = list(http.get("match")).stream().anyMatch(m ->
                        "true".equals(map(map(map(m).get("headers")).get("canary")).get("exact")));
                if (onHeader && destinations.size() == 1) {
                    preview = String.valueOf(map(map(destinations.get(0)).get("destination")).get("subset"));
                }
            }
        }
        return new Split(stable, canary, preview, generation(vs.getMetadata().getGeneration()), null);
    }

    /** The rule without matches' backendRefs weights, and the backend of the rule matching {@code canary: true}. */
    static Split httpRoute(HTTPRoute route) {
        if (route == null || route.getSpec() == null) {
            return null;
        }
        String app = route.getMetadata().getName();
        int stable = 0;
        int canary = 0;
        String preview = null;
        for (HTTPRouteRule rule : route.getSpec().getRules()) {
            List<HTTPRouteMatch> matches = rule.getMatches() == null ? List.of() : rule.getMatches();
            boolean onHeader = matches.stream().anyMatch(m -> m.getHeaders() != null && m.getHeaders().stream()
                    .anyMatch(h -> "canary".equals(h.getName()) && "true".equals(h.getValue())));
            if (onHeader && rule.getBackendRefs().size() == 1) {
                preview = rule.getBackendRefs().get(0).getName();
            } else if (matches.stream().allMatch(m -> m.getHeaders() == null || m.getHeaders().isEmpty())) {
                for (HTTPBackendRef ref : rule.getBackendRefs()) {
                    if (ref.getName().equals(app + "-stable")) {
                        stable += ref.getWeight();
                    } else if (ref.getName().equals(app + "-canary")) {
                        canary += ref.getWeight();
                    }
                }
            }
        }
        return new Split(stable, canary, preview, generation(route.getMetadata().getGeneration()), null);
    }

    private static long generation(Long g) {
        return g == null ? -1 : g;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
