package dev.rollgate.controlplane.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
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

    /** {@code true}: the context's client reaches the API server through {@link MockCluster#relay()}. */
    public static final String THROUGH_RELAY = "rollgate.test.kubernetes.through-relay";

    /** Wins over KubernetesConfiguration's own client (built from the usual sources, never contacted). */
    @Bean(destroyMethod = "")
    @Primary
    KubernetesClient mockClusterClient(org.springframework.core.env.Environment environment) {
        return environment.getProperty(THROUGH_RELAY, Boolean.class, false)
                ? MockCluster.get().relayedClient() : MockCluster.get().rollgateClient();
    }

    /** With every configured environment's namespace, as the cluster Rollgate is pointed at would have them. */
    @Bean(destroyMethod = "")
    MockCluster mockCluster(Policies policies) {
        MockCluster cluster = MockCluster.get();
        cluster.namespaces(policies.environments().stream().map(Environment::namespace).toList());
        return cluster;
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
