package dev.rollgate.controlplane.platform.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpecBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;

/**
 * The Gateway API HTTPRoute {@code <app>} a target's traffic split should be, as a pure function, and the weights
 * read back from one. Rules are told apart by shape, not name: rule names are not in every cluster's CRDs, and
 * Gateway API picks the header rule over the catch-all by specificity, whatever their order.
 */
public final class HttpRouteSpec {

    static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

    private HttpRouteSpec() {
    }

    /** @throws AdapterException permanent when the environment names no parent Gateway */
    public static HTTPRoute desired(Target target, Weights weights, KubernetesProperties.EnvironmentOptions options) {
        if (options.parentRefs().isEmpty()) {
            throw AdapterException.permanent("environment " + target.environment() + " names no parent Gateway for"
                    + " HTTPRoute " + target.application() + ", and an HTTPRoute without one routes nothing: set"
                    + " rollgate.kubernetes.environments." + target.environment() + ".parent-refs");
        }
        List<HTTPRouteRule> rules = new ArrayList<>();
        if (weights.preview() != null) {
            rules.add(new HTTPRouteRuleBuilder()
                    .addNewMatch().addNewHeader().withName(RouteRecord.PREVIEW_HEADER).withType("Exact")
                        .withValue(RouteRecord.PREVIEW_VALUE).endHeader().endMatch()
                    .withBackendRefs(backend(target, options, weights.preview(), 100))
                    .build());
        }
        // Both backends always, the idle one at 0, so the total is 100 and never 0 (which answers 500).
        rules.add(new HTTPRouteRuleBuilder()
                .withBackendRefs(backend(target, options, Track.STABLE, weights.stable()),
                        backend(target, options, Track.CANARY, weights.canary()))
                .build());
        return new HTTPRouteBuilder()
                .withNewMetadata()
                    .withName(target.application()).withNamespace(target.namespace())
                    .withLabels(RouteRecord.labels(target))
                    .withAnnotations(Map.of(RouteRecord.ANNOTATION, RouteRecord.format(weights)))
                .endMetadata()
                .withNewSpec()
                    .withParentRefs(options.parentRefs().stream().map(HttpRouteSpec::parentRef).toList())
                    .withRules(rules)
                .endSpec()
                .build();
    }

    /** {@code name} (a Gateway in the route's namespace) or {@code namespace/name}. */
    static ParentReference parentRef(String ref) {
        int slash = ref.indexOf('/');
        ParentReferenceBuilder b = new ParentReferenceBuilder();
        return slash < 0 ? b.withName(ref.trim()).build()
                : b.withNamespace(ref.substring(0, slash).trim()).withName(ref.substring(slash + 1).trim()).build();
    }

    static String service(Target target, Track track) {
        return target.application() + "-" + track.id();
    }

    private static HTTPBackendRef backend(Target target, KubernetesProperties.EnvironmentOptions options, Track track,
                                          int weight) {
        return new HTTPBackendRefBuilder().withName(service(target, track)).withPort(options.servicePort())
                .withWeight(weight).build();
    }

    /**
     * What to write over {@code current} to give it {@code desired}'s parentRefs, rules, labels and annotations,
     * keeping everything else (hostnames someone set, status); null when it already has them, defaults the API
     * server fills in counting as equal.
     */
    static HTTPRoute reconcile(HTTPRoute current, HTTPRoute desired) {
        HTTPRouteSpec have = current.getSpec() == null ? new HTTPRouteSpec() : current.getSpec();
        String namespace = desired.getMetadata().getNamespace();
        boolean specSame = normalParents(have.getParentRefs(), namespace)
                .equals(normalParents(desired.getSpec().getParentRefs(), namespace))
                && normalRules(have.getRules(), namespace).equals(normalRules(desired.getSpec().getRules(), namespace));
        Map<String, String> labels = current.getMetadata().getLabels();
        Map<String, String> annotations = current.getMetadata().getAnnotations();
        boolean metaSame = labels != null && labels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet())
                && annotations != null
                && annotations.entrySet().containsAll(desired.getMetadata().getAnnotations().entrySet());
        if (specSame && metaSame) {
            return null;
        }
        return new HTTPRouteBuilder(current)
                .withMetadata(new ObjectMetaBuilder(current.getMetadata())
                        .addToLabels(desired.getMetadata().getLabels())
                        .addToAnnotations(desired.getMetadata().getAnnotations()).build())
                .withSpec(new HTTPRouteSpecBuilder(have)
                        .withParentRefs(desired.getSpec().getParentRefs())
                        .withRules(desired.getSpec().getRules()).build())
                .build();
    }

    /**
     * The weights an HTTPRoute routes by: its catch-all rule over {@code <app>-stable} / {@code <app>-canary}, and
     * the track its {@code canary: true} rule reaches. Null when there is no single such catch-all rule or a rule
     * reads as anything else — never a guess.
     */
    public static Weights weights(HTTPRoute route) {
        if (route.getSpec() == null) {
            return null;
        }
        String app = route.getMetadata().getName();
        String namespace = route.getMetadata().getNamespace();
        HTTPRouteRule primary = null;
        Track preview = null;
        for (HTTPRouteRule rule : normalRules(route.getSpec().getRules(), namespace)) {
            if (isPreview(rule)) {
                List<HTTPBackendRef> refs = rule.getBackendRefs().stream().filter(r -> r.getWeight() > 0).toList();
                Track track = refs.size() == 1 ? track(app, namespace, refs.get(0)) : null;
                if (track == null || preview != null) {
                    return null;
                }
                preview = track;
            } else if (isCatchAll(rule)) {
                if (primary != null) {
                    return null;
                }
                primary = rule;
            }
        }
        if (primary == null) {
            return null;
        }
        int stable = 0;
        int canary = 0;
        for (HTTPBackendRef ref : primary.getBackendRefs()) {
            Track track = track(app, namespace, ref);
            if (track == null || ref.getWeight() < 0) {
                return null;
            }
            if (track == Track.STABLE) {
                stable += ref.getWeight();
            } else {
                canary += ref.getWeight();
            }
        }
        int total = stable + canary;
        if (total == 0) {
            return null;
        }
        // Gateways split by weight over the total, so a total other than 100 still splits in this proportion.
        int stablePercent = Math.round(stable * 100f / total);
        return new Weights(stablePercent, 100 - stablePercent, preview);
    }

    private static boolean isPreview(HTTPRouteRule rule) {
        return rule.getMatches().stream().anyMatch(m -> m.getHeaders().stream().anyMatch(h ->
                RouteRecord.PREVIEW_HEADER.equalsIgnoreCase(h.getName()) && "Exact".equals(h.getType())
                        && RouteRecord.PREVIEW_VALUE.equals(h.getValue())));
    }

    private static boolean isCatchAll(HTTPRouteRule rule) {
        return rule.getMatches().equals(List.of(catchAll()));
    }

    /** A Service backend of the route's own namespace named {@code <app>-<track>}, or null. */
    private static Track track(String app, String namespace, HTTPBackendRef ref) {
        if (!"".equals(ref.getGroup()) || !"Service".equals(ref.getKind())
                || !Objects.equals(namespace, ref.getNamespace()) || app == null || ref.getName() == null
                || !ref.getName().startsWith(app + "-")) {
            return null;
        }
        return RouteRecord.track(ref.getName().substring(app.length() + 1));
    }

    // The API server fills in these defaults (Gateway API's CRD schema); spelled out on both sides, a route
    // read back compares equal to the one built and the steady state costs no write.

    static List<ParentReference> normalParents(List<ParentReference> parents, String namespace) {
        return orEmpty(parents).stream().map(p -> new ParentReferenceBuilder(p)
                .withGroup(or(p.getGroup(), GATEWAY_GROUP)).withKind(or(p.getKind(), "Gateway"))
                .withNamespace(or(p.getNamespace(), namespace)).build()).toList();
    }

    static List<HTTPRouteRule> normalRules(List<HTTPRouteRule> rules, String namespace) {
        return orEmpty(rules).stream().map(r -> {
            List<HTTPRouteMatch> matches = orEmpty(r.getMatches()).stream().map(HttpRouteSpec::normalMatch).toList();
            return new HTTPRouteRuleBuilder(r)
                    .withMatches(matches.isEmpty() ? List.of(catchAll()) : matches)
                    .withFilters(orEmpty(r.getFilters()))
                    .withBackendRefs(orEmpty(r.getBackendRefs()).stream().map(b -> new HTTPBackendRefBuilder(b)
                            .withGroup(or(b.getGroup(), "")).withKind(or(b.getKind(), "Service"))
                            .withNamespace(or(b.getNamespace(), namespace)).withWeight(or(b.getWeight(), 1))
                            .withFilters(orEmpty(b.getFilters())).build()).toList())
                    .build();
        }).toList();
    }

    private static HTTPRouteMatch catchAll() {
        return new HTTPRouteMatchBuilder().withPath(new HTTPPathMatchBuilder().withType("PathPrefix").withValue("/")
                .build()).withHeaders(List.of()).withQueryParams(List.of()).build();
    }

    private static HTTPRouteMatch normalMatch(HTTPRouteMatch m) {
        HTTPPathMatch path = m.getPath() == null ? catchAll().getPath() : new HTTPPathMatchBuilder(m.getPath())
                .withType(or(m.getPath().getType(), "PathPrefix")).withValue(or(m.getPath().getValue(), "/")).build();
        List<HTTPHeaderMatch> headers = orEmpty(m.getHeaders()).stream()
                .map(h -> new HTTPHeaderMatchBuilder(h).withType(or(h.getType(), "Exact")).build()).toList();
        List<HTTPQueryParamMatch> query = orEmpty(m.getQueryParams()).stream()
                .map(q -> new HTTPQueryParamMatchBuilder(q).withType(or(q.getType(), "Exact")).build()).toList();
        return new HTTPRouteMatchBuilder(m).withPath(path).withHeaders(headers).withQueryParams(query).build();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
