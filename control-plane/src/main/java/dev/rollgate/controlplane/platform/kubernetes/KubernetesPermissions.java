package dev.rollgate.controlplane.platform.kubernetes;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The RBAC rules the Kubernetes platform needs, and why: what its adapters call, verb by verb, as the API server
 * authorises it. The Helm chart {@code charts/control-plane} renders the same rules; tests hold both to this list
 * (the adapters make no call outside it and exercise every entry, the chart grants exactly it), so a new call in an
 * adapter cannot ship without the rule that lets it run.
 */
public final class KubernetesPermissions {

    /** What makes an installation need a rule. */
    public enum Need {
        /** Deployments, their pods, Services and HPAs: every installation. */
        PLATFORM,
        ISTIO_ROUTER,
        GATEWAY_API_ROUTER,
        SERVICE_ROUTER,
        /** {@code smoke: api-proxy}: smoke checks through the API server's service proxy. */
        API_PROXY_SMOKE,
        /**
         * Cluster-scoped {@code get namespaces}, optional: without it Rollgate cannot tell a missing namespace and
         * does not refuse a release for one (the release's own writes then fail).
         */
        NAMESPACE_CHECK
    }

    /**
     * One verb on one resource, as an RBAC rule names it.
     *
     * @param group         the API group, {@code ""} for the core group
     * @param resource      the plural resource, with its subresource after a slash ({@code services/proxy})
     * @param clusterScoped the resource is not namespaced, so a Role cannot grant it
     */
    public record Permission(String group, String resource, String verb, boolean clusterScoped) {

        public static Permission namespaced(String group, String resource, String verb) {
            return new Permission(group, resource, verb, false);
        }

        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (clusterScoped ? " (cluster)" : "");
        }
    }

    /** Verbs on one resource, needed for one reason. */
    public record Rule(Need need, String group, String resource, List<String> verbs, boolean clusterScoped) {

        public Set<Permission> permissions() {
            return verbs.stream().map(v -> new Permission(group, resource, v, clusterScoped))
                    .collect(Collectors.toCollection(LinkedHashSet::new));
        }
    }

    private static final List<String> READ_WRITE = List.of("get", "list", "watch", "create", "update");

    /**
     * In order of need. Informers list and watch; writes read the object first (get) and then create or update on
     * its resourceVersion; a change of the count alone is a patch. Nothing is ever deleted, and Secrets and
     * ConfigMaps are only named in the Deployments, never read.
     */
    public static final List<Rule> RULES = List.of(
            new Rule(Need.PLATFORM, "apps", "deployments",
                    List.of("get", "list", "watch", "create", "update", "patch"), false),
            new Rule(Need.PLATFORM, "", "pods", List.of("list", "watch"), false),
            // Track Services are created when missing; only the service router changes one.
            new Rule(Need.PLATFORM, "", "services", List.of("get", "list", "watch", "create"), false),
            new Rule(Need.PLATFORM, "autoscaling", "horizontalpodautoscalers", List.of("list", "watch"), false),
            new Rule(Need.ISTIO_ROUTER, "networking.istio.io", "virtualservices", READ_WRITE, false),
            new Rule(Need.ISTIO_ROUTER, "networking.istio.io", "destinationrules", READ_WRITE, false),
            new Rule(Need.GATEWAY_API_ROUTER, "gateway.networking.k8s.io", "httproutes", READ_WRITE, false),
            new Rule(Need.SERVICE_ROUTER, "", "services", List.of("update"), false),
            new Rule(Need.API_PROXY_SMOKE, "", "services/proxy", List.of("get"), false),
            new Rule(Need.NAMESPACE_CHECK, "", "namespaces", List.of("get"), true));

    private KubernetesPermissions() {
    }

    /** Every permission needed for any of {@code needs}. */
    public static Set<Permission> of(Collection<Need> needs) {
        return RULES.stream().filter(r -> needs.contains(r.need()))
                .flatMap(r -> r.permissions().stream())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /**
     * What an installation needs.
     *
     * @param routers        the routers its environments use ({@code istio}, {@code gateway-api}, {@code service})
     * @param smoke          how its smoke checks reach a track
     * @param namespaceCheck whether it may read the target namespaces (cluster-scoped)
     */
    public static Set<Permission> required(Collection<String> routers, KubernetesProperties.SmokeMode smoke,
                                           boolean namespaceCheck) {
        return of(needs(routers, smoke, namespaceCheck));
    }

    public static Set<Need> needs(Collection<String> routers, KubernetesProperties.SmokeMode smoke,
                                  boolean namespaceCheck) {
        Set<Need> needs = EnumSet.of(Need.PLATFORM);
        for (String router : routers) {
            needs.add(switch (router) {
                case IstioRouter.NAME -> Need.ISTIO_ROUTER;
                case GatewayApiRouter.NAME -> Need.GATEWAY_API_ROUTER;
                case ServiceRouter.NAME -> Need.SERVICE_ROUTER;
                default -> throw new IllegalArgumentException("not a Kubernetes router: " + router);
            });
        }
        if (smoke == KubernetesProperties.SmokeMode.API_PROXY) {
            needs.add(Need.API_PROXY_SMOKE);
        }
        if (namespaceCheck) {
            needs.add(Need.NAMESPACE_CHECK);
        }
        return needs;
    }
}
