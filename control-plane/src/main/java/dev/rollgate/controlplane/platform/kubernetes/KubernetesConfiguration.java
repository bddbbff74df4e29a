package dev.rollgate.controlplane.platform.kubernetes;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Only with {@code rollgate.kubernetes.enabled=true}: the default local setup never builds a cluster client. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "rollgate.kubernetes.enabled", havingValue = "true")
public class KubernetesConfiguration {

    /**
     * From the usual sources: in-cluster service account, KUBECONFIG or ~/.kube/config. Retries are the engine's
     * (a transient error is retried next tick and counted), so the client's own 5xx backoff — up to ten tries —
     * is cut to one, and a request gives up well inside a tick's budget.
     */
    @Bean(destroyMethod = "close")
    KubernetesClient kubernetesClient() {
        Config config = new ConfigBuilder(Config.autoConfigure(null))
                .withRequestRetryBackoffLimit(1)
                .withRequestTimeout(5_000)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** One set of informers per namespace for the workloads and every router. */
    @Bean(destroyMethod = "close")
    ClusterCache kubernetesClusterCache(KubernetesClient client) {
        return new ClusterCache(client);
    }

    /** The cache is the bean's own to close, so the workloads' close leaves it alone. */
    @Bean(destroyMethod = "close")
    KubernetesWorkloads kubernetesWorkloads(KubernetesClient client, KubernetesProperties properties,
                                            Policies policies, ClusterCache cache) {
        return new KubernetesWorkloads(client, properties,
                application -> policies.application(application).map(Application::image).orElse(null),
                environment -> policies.environment(environment).map(Environment::policy).orElse(null), cache);
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
