package dev.rollgate.controlplane.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.release.port.Sample;
import io.fabric8.kubernetes.client.KubernetesClient;
import reactor.core.publisher.Mono;

/**
 * Points the real Kubernetes platform at the JVM's {@link MockCluster} and adds the metrics the tests script. The
 * shared objects get {@code destroyMethod = ""}: a context closing must not close what cached contexts still use.
 */
@TestConfiguration(proxyBeanMethods = false)
public class KubernetesTestCluster {

    /** Wins over KubernetesConfiguration's own client (built from the usual sources, never contacted). */
    @Bean(destroyMethod = "")
    @Primary
    KubernetesClient mockClusterClient() {
        return MockCluster.get().rollgateClient();
    }

    @Bean(destroyMethod = "")
    MockCluster mockCluster() {
        return MockCluster.get();
    }

    @Bean
    ScriptedReadings scriptedReadings() {
        return new ScriptedReadings();
    }

    @Bean
    MetricsProvider k8sScriptedMetrics(ScriptedReadings readings) {
        return new MetricsProvider() {
            @Override
            public String name() {
                return ScriptedReadings.PROVIDER;
            }

            @Override
            public Mono<Sample> sample(GateQuery query) {
                return Mono.fromCallable(() -> readings.sample(query));
            }
        };
    }
}
