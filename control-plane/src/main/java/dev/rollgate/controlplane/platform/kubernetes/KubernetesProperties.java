package dev.rollgate.controlplane.platform.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Kubernetes platform. Off unless {@code enabled}: with it off no bean of this package is created, so nothing
 * tries to reach a cluster.
 *
 * @param enabled           create the Kubernetes workloads, routers and smoke checker (and their client)
 * @param kubeconfig        a kubeconfig file to use instead of the in-cluster service account (null: the usual
 *                          sources — service account, then KUBECONFIG, then ~/.kube/config)
 * @param context           the kubeconfig context to use (null: the file's current context)
 * @param replicas          replicas of a track created (or brought back from zero) to run as the live one — the
 *                          canary's STABLE track, either blue-green colour (the idle one takes all traffic at the
 *                          switch), the rolling track — when no HPA targets its Deployment; a running Deployment keeps
 *                          its count (see {@link Replicas#desired})
 * @param canaryReplicas    replicas of the canary strategy's CANARY track when created or brought back from zero and
 *                          no HPA targets it
 * @param mirrorHpaMinimum  start the canary with the minReplicas of the STABLE track's HPA, when it has one, rather
 *                          than {@code canaryReplicas}
 * @param progressDeadline  the Deployments' progressDeadlineSeconds: how long the controller waits before it
 *                          reports ProgressDeadlineExceeded
 * @param conflictRetries   how many times a write that lost a race (409) is re-read and tried again
 * @param configMap         the ConfigMap every track gets as environment (envFrom)
 * @param databaseSecret    the Secret (and {@code databaseSecretKey} its key) DATABASE_URL comes from; Rollgate
 *                          names it and never reads its value
 * @param jwtSecret         the Secret (and {@code jwtSecretKey} its key) JWT_SECRET comes from
 * @param resources         the container's requests and limits
 * @param servicePort       the port of the Services {@code <app>}, {@code <app>-stable}, {@code <app>-canary},
 *                          {@code <app>-preview}
 * @param smoke             how smoke checks reach a track's Service: {@code in-cluster} (Rollgate runs in the
 *                          cluster and calls {@code http://<app>-<track>.<ns>.svc:<port>}) or {@code api-proxy}
 *                          (through the API server's service proxy, for a Rollgate outside the cluster)
 * @param environments      per-environment options by environment name; what they leave out comes from here
 */
@ConfigurationProperties("rollgate.kubernetes")
public record KubernetesProperties(
        boolean enabled,
        String kubeconfig,
        String context,
        @DefaultValue("1") int replicas,
        @DefaultValue("1") int canaryReplicas,
        @DefaultValue("false") boolean mirrorHpaMinimum,
        @DefaultValue("600s") Duration progressDeadline,
        @DefaultValue("3") int conflictRetries,
        @DefaultValue("app-config") String configMap,
        @DefaultValue("db-credentials") String databaseSecret,
        @DefaultValue("DATABASE_URL") String databaseSecretKey,
        @DefaultValue("jwt-secret") String jwtSecret,
        @DefaultValue("JWT_SECRET") String jwtSecretKey,
        @DefaultValue Resources resources,
        @DefaultValue("80") int servicePort,
        @DefaultValue("in-cluster") SmokeMode smoke,
        Map<String, EnvironmentOptions> environments) {

    public KubernetesProperties {
        environments = environments == null ? Map.of() : Map.copyOf(environments);
    }

    public record Resources(@DefaultValue("500m") String cpuRequest, @DefaultValue("512Mi") String memoryRequest,
                            @DefaultValue("1") String cpuLimit, @DefaultValue("1Gi") String memoryLimit) {
    }

    public enum SmokeMode { IN_CLUSTER, API_PROXY }

    /**
     * One environment's routing and sizing; a null or empty field takes the platform-wide value.
     *
     * @param hosts          the VirtualService's hosts (default: the in-mesh Service host
     *                       {@code <app>.<namespace>.svc.cluster.local})
     * @param gateways       the VirtualService's gateways (default none: mesh traffic only)
     * @param parentRefs     the HTTPRoute's parent Gateways as {@code name} or {@code namespace/name}
     * @param servicePort    the Services' port
     * @param replicas       as {@link KubernetesProperties#replicas()}, for this environment
     * @param canaryReplicas as {@link KubernetesProperties#canaryReplicas()}, for this environment
     * @param resources      the container's requests and limits
     */
    public record EnvironmentOptions(List<String> hosts, List<String> gateways, List<String> parentRefs,
                                     Integer servicePort, Integer replicas, Integer canaryReplicas,
                                     Resources resources) {
        public EnvironmentOptions {
            hosts = hosts == null ? List.of() : List.copyOf(hosts);
            gateways = gateways == null ? List.of() : List.copyOf(gateways);
            parentRefs = parentRefs == null ? List.of() : List.copyOf(parentRefs);
        }

        static final EnvironmentOptions NONE = new EnvironmentOptions(null, null, null, null, null, null, null);
    }

    /** The options of {@code environment}, with every field it leaves out taken from the platform-wide values. */
    public EnvironmentOptions environment(String environment) {
        EnvironmentOptions e = environments.getOrDefault(environment, EnvironmentOptions.NONE);
        return new EnvironmentOptions(e.hosts(), e.gateways(), e.parentRefs(),
                e.servicePort() == null ? servicePort : e.servicePort(),
                e.replicas() == null ? replicas : e.replicas(),
                e.canaryReplicas() == null ? canaryReplicas : e.canaryReplicas(),
                e.resources() == null ? resources : e.resources());
    }

    /** The defaults, for code and tests that build the platform without Spring. */
    public static KubernetesProperties defaults() {
        return new KubernetesProperties(false, null, null, 1, 1, false, Duration.ofSeconds(600), 3, "app-config",
                "db-credentials", "DATABASE_URL", "jwt-secret", "JWT_SECRET",
                new Resources("500m", "512Mi", "1", "1Gi"), 80, SmokeMode.IN_CLUSTER, Map.of());
    }
}
