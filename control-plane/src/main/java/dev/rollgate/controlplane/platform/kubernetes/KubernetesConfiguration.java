package dev.rollgate.controlplane.platform.kubernetes;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Policies;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Only with {@code rollgate.kubernetes.enabled=true}: the default local setup never builds a cluster client. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "rollgate.kubernetes.enabled", havingValue = "true")
public class KubernetesConfiguration {

    /** From the usual sources: in-cluster service account, KUBECONFIG or ~/.kube/config. */
    @Bean(destroyMethod = "close")
    KubernetesClient kubernetesClient() {
        return new KubernetesClientBuilder().build();
    }

    @Bean(destroyMethod = "close")
    KubernetesWorkloads kubernetesWorkloads(KubernetesClient client, KubernetesProperties properties,
                                            Policies policies) {
        return new KubernetesWorkloads(client, properties,
                application -> policies.application(application).map(Application::image).orElse(null));
    }
}
