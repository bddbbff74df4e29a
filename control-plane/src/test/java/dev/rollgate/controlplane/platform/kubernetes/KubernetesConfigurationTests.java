package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.release.port.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;

class KubernetesConfigurationTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(KubernetesProperties.class)
    static class Properties {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Properties.class, KubernetesConfiguration.class)
            // Building a fabric8 client contacts no cluster, so the enabled case needs none either.
            .withBean(Policies.class, () -> mock(Policies.class));

    @Test
    void withoutTheSwitchNoClusterClientExists() {
        runner.run(ctx -> {
            assertThat(ctx).doesNotHaveBean(KubernetesClient.class);
            assertThat(ctx).doesNotHaveBean(Workloads.class);
            assertThat(ctx).doesNotHaveBean(TrafficRouter.class);
        });
    }

    @Test
    void theSwitchAddsTheKubernetesPlatformWithItsSettings() {
        runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.replicas=3",
                "rollgate.kubernetes.database-secret=pg", "rollgate.kubernetes.resources.memory-limit=2Gi")
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(KubernetesClient.class);
                    assertThat(ctx.getBean(Workloads.class).platform()).isEqualTo("kubernetes");
                    assertThat(ctx.getBeansOfType(TrafficRouter.class).values()).extracting(TrafficRouter::name)
                            .containsExactlyInAnyOrder("istio", "gateway-api", "service");
                    KubernetesProperties p = ctx.getBean(KubernetesProperties.class);
                    assertThat(p.replicas()).isEqualTo(3);
                    assertThat(p.databaseSecret()).isEqualTo("pg");
                    assertThat(p.jwtSecret()).isEqualTo("jwt-secret");
                    assertThat(p.resources().memoryLimit()).isEqualTo("2Gi");
                    assertThat(p.resources().cpuRequest()).isEqualTo("500m");
                });
    }

    @Test
    void withoutTheSwitchNothingWatchesTheCluster() {
        runner.run(ctx -> {
            assertThat(ctx).doesNotHaveBean(ClusterCache.class);
            assertThat(ctx).doesNotHaveBean(ServiceRouter.class);
        });
    }

    @Test
    void theSwitchAddsTheServiceRouterBesideTheWorkloadsOnOneCache() {
        runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.mirror-hpa-minimum=true",
                "rollgate.kubernetes.environments.production.canary-replicas=2",
                "rollgate.kubernetes.environments.production.service-port=8081")
                .run(ctx -> {
                    assertThat(ctx.getBeansOfType(TrafficRouter.class).values()).extracting(TrafficRouter::name)
                            .contains("service");
                    assertThat(ctx.getBean(ServiceRouter.class).name()).isEqualTo("service");
                    assertThat(ctx).hasSingleBean(ClusterCache.class).hasSingleBean(KubernetesWorkloads.class);
                    KubernetesProperties p = ctx.getBean(KubernetesProperties.class);
                    assertThat(p.mirrorHpaMinimum()).isTrue();
                    assertThat(p.environment("production").canaryReplicas()).isEqualTo(2);
                    assertThat(p.environment("production").servicePort()).isEqualTo(8081);
                    assertThat(p.environment("production").replicas()).isEqualTo(1);
                    assertThat(p.environment("staging").canaryReplicas()).isEqualTo(1);
                });
    }
}
