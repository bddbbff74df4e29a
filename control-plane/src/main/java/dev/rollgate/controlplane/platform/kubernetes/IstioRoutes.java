package dev.rollgate.controlplane.platform.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The Istio objects a target's traffic split should be — VirtualService {@code <app>} routing to the subsets of
 * DestinationRule {@code <app>} — as pure functions, and the weights read back from a VirtualService. Istio's
 * fabric8 model is not served here, so both are generic resources built from maps.
 */
public final class IstioRoutes {

    public static final String API_VERSION = "networking.istio.io/v1";
    public static final ResourceDefinitionContext VIRTUAL_SERVICES = context("VirtualService", "virtualservices");
    public static final ResourceDefinitionContext DESTINATION_RULES = context("DestinationRule", "destinationrules");
    public static final String PREVIEW_ROUTE = "rollgate-preview";
    public static final String PRIMARY_ROUTE = "rollgate-primary";

    /** The spec fields Rollgate owns; anything else someone put there (tls, exportTo, trafficPolicy) is kept. */
    static final List<String> VIRTUAL_SERVICE_FIELDS = List.of("hosts", "gateways", "http");
    static final List<String> DESTINATION_RULE_FIELDS = List.of("host", "subsets");

    public record Routes(GenericKubernetesResource virtualService, GenericKubernetesResource destinationRule) {
    }

    private IstioRoutes() {
    }

    private static ResourceDefinitionContext context(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("networking.istio.io").withVersion("v1")
                .withKind(kind).withPlural(plural).withNamespaced(true).build();
    }

    /** The in-mesh host of the Service {@code <app>}: where every destination goes, whatever the VS's hosts. */
    public static String serviceHost(Target target) {
        return target.application() + "." + target.namespace() + ".svc.cluster.local";
    }

    public static Routes desired(Target target, Weights weights, KubernetesProperties.EnvironmentOptions options) {
        Map<String, Object> vs = new LinkedHashMap<>();
        vs.put("hosts", options.hosts().isEmpty() ? List.of(serviceHost(target)) : options.hosts());
        if (!options.gateways().isEmpty()) {
            vs.put("gateways", options.gateways());
        }
        List<Object> http = new ArrayList<>();
        if (weights.preview() != null) {
            // First: Istio takes the first route that matches, and the primary route matches everything.
            http.add(Map.of(
                    "name", PREVIEW_ROUTE,
                    "match", List.of(Map.of("headers",
                            Map.of(RouteRecord.PREVIEW_HEADER, Map.of("exact", RouteRecord.PREVIEW_VALUE)))),
                    "route", List.of(destination(target, options, weights.preview(), 100))));
        }
        // Both destinations always, the idle one at 0: the total is 100, never 0 (Istio's webhook refuses 0).
        http.add(Map.of("name", PRIMARY_ROUTE, "route", List.of(
                destination(target, options, Track.STABLE, weights.stable()),
                destination(target, options, Track.CANARY, weights.canary()))));
        vs.put("http", http);

        Map<String, Object> dr = new LinkedHashMap<>();
        dr.put("host", serviceHost(target));
        dr.put("subsets", List.of(subset(Track.STABLE), subset(Track.CANARY)));

        return new Routes(
                resource("VirtualService", target, Map.of(RouteRecord.ANNOTATION, RouteRecord.format(weights)), vs),
                resource("DestinationRule", target, Map.of(), dr));
    }

    private static Map<String, Object> destination(Target target, KubernetesProperties.EnvironmentOptions options,
                                                   Track track, int weight) {
        return Map.of("destination", Map.of("host", serviceHost(target), "subset", track.id(),
                        "port", Map.of("number", options.servicePort())),
                "weight", weight);
    }

    private static Map<String, Object> subset(Track track) {
        return Map.of("name", track.id(), "labels", Map.of("track", track.id()));
    }

    private static GenericKubernetesResource resource(String kind, Target target, Map<String, String> annotations,
                                                      Map<String, Object> spec) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(API_VERSION).withKind(kind)
                .withNewMetadata()
                    .withName(target.application()).withNamespace(target.namespace())
                    .withLabels(RouteRecord.labels(target)).withAnnotations(annotations)
                .endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build();
    }

    /**
     * What to write over {@code current} to make its owned fields ({@code fields} of the spec, Rollgate's labels and
     * annotations) those of {@code desired}, keeping everything else; null when they already are.
     */
    static GenericKubernetesResource reconcile(GenericKubernetesResource current, GenericKubernetesResource desired,
                                               List<String> fields) {
        Map<String, Object> have = spec(current);
        Map<String, Object> want = spec(desired);
        boolean specSame = fields.stream().allMatch(f -> canonical(have.get(f)).equals(canonical(want.get(f))));
        ObjectMeta meta = current.getMetadata();
        boolean metaSame = contains(meta.getLabels(), desired.getMetadata().getLabels())
                && contains(meta.getAnnotations(), desired.getMetadata().getAnnotations());
        if (specSame && metaSame) {
            return null;
        }
        Map<String, Object> spec = new LinkedHashMap<>(have);
        for (String f : fields) {
            if (want.containsKey(f)) {
                spec.put(f, want.get(f));
            } else {
                spec.remove(f);
            }
        }
        ObjectMeta metadata = new ObjectMetaBuilder(meta)
                .addToLabels(desired.getMetadata().getLabels())
                .addToAnnotations(desired.getMetadata().getAnnotations())
                .build();
        return new GenericKubernetesResourceBuilder(current).withMetadata(metadata)
                .addToAdditionalProperties("spec", spec).build();
    }

    private static boolean contains(Map<String, String> have, Map<String, String> want) {
        return want == null || want.isEmpty() || have != null && have.entrySet().containsAll(want.entrySet());
    }

    /**
     * The weights a VirtualService routes by: route {@value #PRIMARY_ROUTE}'s stable and canary subsets, and the
     * track route {@value #PREVIEW_ROUTE} sends {@code canary: true} to when it comes before the primary route (after
     * it, it is never reached). Null when Rollgate's primary route is missing or reads as anything else — never a
     * guess.
     */
    public static Weights weights(GenericKubernetesResource virtualService) {
        List<Object> http = list(spec(virtualService).get("http"));
        if (http == null) {
            return null;
        }
        int primaryAt = indexOf(http, PRIMARY_ROUTE);
        if (primaryAt < 0) {
            return null;
        }
        List<Object> route = list(map(http.get(primaryAt)).get("route"));
        if (route == null || route.isEmpty()) {
            return null;
        }
        int stable = 0;
        int canary = 0;
        for (Object d : route) {
            Map<String, Object> destination = map(map(d).get("destination"));
            Track track = RouteRecord.track(string(destination.get("subset")));
            Object weight = map(d).get("weight");
            // Istio: a lone destination without a weight takes everything; among several, no weight is 0.
            int w = weight == null ? (route.size() == 1 ? 100 : 0) : weight instanceof Number n ? n.intValue() : -1;
            if (track == null || w < 0) {
                return null;
            }
            if (track == Track.STABLE) {
                stable += w;
            } else {
                canary += w;
            }
        }
        int total = stable + canary;
        if (total == 0) {
            return null;
        }
        // Envoy splits by weight over the total, so a total other than 100 still splits in this proportion.
        int stablePercent = Math.round(stable * 100f / total);
        Track preview = null;
        int previewAt = indexOf(http, PREVIEW_ROUTE);
        if (previewAt >= 0) {
            preview = previewTrack(map(http.get(previewAt)));
            if (preview == null) {
                return null;
            }
            if (previewAt > primaryAt) {
                preview = null;
            }
        }
        return new Weights(stablePercent, 100 - stablePercent, preview);
    }

    private static Track previewTrack(Map<String, Object> route) {
        List<Object> match = list(route.get("match"));
        List<Object> destinations = list(route.get("route"));
        if (match == null || destinations == null || destinations.size() != 1) {
            return null;
        }
        boolean onHeader = match.stream().anyMatch(m -> {
            Map<String, Object> header = map(map(map(m).get("headers")).get(RouteRecord.PREVIEW_HEADER));
            return RouteRecord.PREVIEW_VALUE.equals(header.get("exact"));
        });
        return onHeader ? RouteRecord.track(string(map(map(destinations.get(0)).get("destination")).get("subset")))
                : null;
    }

    private static int indexOf(List<Object> http, String name) {
        for (int i = 0; i < http.size(); i++) {
            if (name.equals(map(http.get(i)).get("name"))) {
                return i;
            }
        }
        return -1;
    }

    static Map<String, Object> spec(GenericKubernetesResource resource) {
        return map(resource.getAdditionalProperties().get("spec"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : null;
    }

    private static String string(Object o) {
        return o instanceof String s ? s : null;
    }

    /**
     * A JSON tree in a form that compares by meaning: numbers as long or double whatever type parsing gave them,
     * null members and an absent or empty list alike, so what came back from the API server equals what was built.
     */
    static Object canonical(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                Object value = canonical(v);
                if (!Objects.equals(value, List.of())) {
                    c.put(String.valueOf(k), value);
                }
            });
            return c;
        }
        if (o instanceof List<?> l) {
            return l.stream().map(IstioRoutes::canonical).toList();
        }
        if (o instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) ? (Object) n.longValue() : (Object) d;
        }
        return o == null ? List.of() : o;
    }
}
