package dev.rollgate.controlplane.platform.kubernetes;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Kubernetes platform. Off unless {@code enabled}: with it off no bean of this package is created, so nothing
 * tries to reach a cluster.
 *
 * @param enabled           create the Kubernetes workloads (and its client)
 * @param replicas          replicas per track when it runs
 * @param progressDeadline  the Deployments' progressDeadlineSeconds: how long the controller waits before it
 *                          reports ProgressDeadlineExceeded
 * @param conflictRetries   how many times a write that lost a race (409) is re-read and tried again
 * @param configMap         the ConfigMap every track gets as environment (envFrom)
 * @param databaseSecret    the Secret (and {@code databaseSecretKey} its key) DATABASE_URL comes from; Rollgate
 *                          names it and never reads its value
 * @param jwtSecret         the Secret (and {@code jwtSecretKey} its key) JWT_SECRET comes from
 * @param resources         the container's requests and limits
 */
@ConfigurationProperties("rollgate.kubernetes")
public record KubernetesProperties(
        boolean enabled,
        @DefaultValue("1") int replicas,
        @DefaultValue("600s") Duration progressDeadline,
        @DefaultValue("3") int conflictRetries,
        @DefaultValue("app-config") String configMap,
        @DefaultValue("db-credentials") String databaseSecret,
        @DefaultValue("DATABASE_URL") String databaseSecretKey,
        @DefaultValue("jwt-secret") String jwtSecret,
        @DefaultValue("JWT_SECRET") String jwtSecretKey,
        @DefaultValue Resources resources) {

    public record Resources(@DefaultValue("500m") String cpuRequest, @DefaultValue("512Mi") String memoryRequest,
                            @DefaultValue("1") String cpuLimit, @DefaultValue("1Gi") String memoryLimit) {
    }

    /** The defaults, for code and tests that build the platform without Spring. */
    public static KubernetesProperties defaults() {
        return new KubernetesProperties(false, 1, Duration.ofSeconds(600), 3, "app-config",
                "db-credentials", "DATABASE_URL", "jwt-secret", "JWT_SECRET",
                new Resources("500m", "512Mi", "1", "1Gi"));
    }
}
