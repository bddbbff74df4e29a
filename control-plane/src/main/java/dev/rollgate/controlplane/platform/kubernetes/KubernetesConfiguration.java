package dev.rollgate.controlplane.platform.kubernetes;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Only with {@code rollgate.kubernetes.enabled=true}: the default local setup never builds a cluster client. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "rollgate.kubernetes.enabled", havingValue = "true")
public class KubernetesConfiguration {

    /**
     * From {@code rollgate.kubernetes.kubeconfig} / {@code context}, else the usual sources (see {@link ClientConfig}).
     * Building it contacts no cluster, so an API server that is down delays nothing at startup.
     */
    @Bean(destroyMethod = "close")
    KubernetesClient kubernetesClient(KubernetesProperties properties) {
        return new KubernetesClientBuilder().withConfig(ClientConfig.of(properties)).build();
    }

    /** One set of informers per namespace for the workloads and every router. */
    @Bean(destroyMethod = "close")
    ClusterCache kubernetesClusterCache(KubernetesClient client) {
        return new ClusterCache(client);
    }

    @Bean
    ClusterReachability clusterReachability(KubernetesClient client) {
        return new ClusterReachability(client);
    }

    /** The bean name makes the health component {@code kubernetes}. */
    @Bean
    KubernetesHealthIndicator kubernetesHealthIndicator(ClusterReachability reachability) {
        return new KubernetesHealthIndicator(reachability);
    }

    /** The cache is the bean's own to close, so the workloads' close leaves it alone. */
    @Bean(destroyMethod = "close")
    KubernetesWorkloads kubernetesWorkloads(KubernetesClient client, KubernetesProperties properties,
                                            Policies policies, ClusterCache cache, ClusterReachability reachability) {
        return new KubernetesWorkloads(client, properties,
                application -> policies.application(application).map(Application::image).orElse(null),
                environment -> policies.environment(environment).map(Environment::policy).orElse(null), cache,
                reachability);
    }

    @Bean
    KubernetesSmokeChecker kubernetesSmokeChecker(KubernetesClient client, KubernetesProperties properties) {
        return KubernetesSmokeChecker.of(client, properties);
    }

    @Bean
    ServiceRouter kubernetesServiceRouter(KubernetesClient client, KubernetesProperties properties,
                                          ClusterCache cache) {
        return new ServiceRouter(client, properties, cache);
    }

    @Bean(destroyMethod = "close")
    IstioRouter istioRouter(KubernetesClient client, KubernetesProperties properties) {
        return new IstioRouter(client, properties);
    }

    @Bean(destroyMethod = "close")
    GatewayApiRouter gatewayApiRouter(KubernetesClient client, KubernetesProperties properties) {
        return new GatewayApiRouter(client, properties);
    }
}
