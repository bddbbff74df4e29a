package dev.rollgate.controlplane.platform.local.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.metrics.builtin.BuiltinMetricsProvider;
import dev.rollgate.controlplane.metrics.builtin.SlidingTrafficStats;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.platform.local.LocalBackends;
import dev.rollgate.controlplane.platform.local.LocalProperties;
import dev.rollgate.controlplane.platform.local.LocalRouter;
import dev.rollgate.controlplane.platform.local.load.SyntheticLoad;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.policy.RollgateProperties;
import dev.rollgate.controlplane.release.Track;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The beans as Spring builds them from configuration: only "local" environments get a proxy, load flows. */
class LocalRouterWiringTests {

    private static final Target DEV = new Target("video-api", "dev", "video-dev");

    // Static: the Wiring configuration's bean method has to reach it.
    private static final FakeBackend BACKEND = new FakeBackend("1.4.0");

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withInitializer(c -> c.getBeanFactory().setConversionService(ApplicationConversionService.getSharedInstance()))
            .withUserConfiguration(Wiring.class)
            .withPropertyValues(
                    "rollgate.applications.video-api.image=video-api",
                    "rollgate.environments.dev.namespace=video-dev",
                    "rollgate.environments.dev.strategy=rolling",
                    "rollgate.environments.elsewhere.router=istio",
                    "rollgate.local.synthetic-load.dev=40",
                    "rollgate.local.proxy-response-timeout=2s");

    @AfterAll
    static void stopBackend() {
        BACKEND.close();
    }

    @Test
    void proxiesOnlyLocalEnvironmentsAndFeedsTheBuiltinProviderFromSyntheticLoad() {
        context.run(ctx -> {
            LocalRouter router = ctx.getBean(LocalRouter.class);
            assertThat(ctx.getBeansOfType(TrafficRouter.class)).hasSize(1);
            assertThat(router.targets()).containsExactly(DEV);
            assertThat(router.isRunning()).as("started with the context").isTrue();
            assertThat(router.frontPort(DEV)).isPresent();

            SyntheticLoad load = ctx.getBean(SyntheticLoad.class);
            assertThat(load.rate(DEV)).as("waits for the application to be ready").isZero();
            load.onReady();
            assertThat(load.rate(DEV)).isEqualTo(40);

            MetricsProvider builtin = ctx.getBean(BuiltinMetricsProvider.class);
            GateQuery errors = new GateQuery(DEV, Track.STABLE, "1.4.0", GateKind.ERROR_RATE,
                    Duration.ofMinutes(1), null);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Sample sample = builtin.sample(errors).block(Duration.ofSeconds(5));
                assertThat(sample.total()).isGreaterThanOrEqualTo(20);
                assertThat(sample.bad()).isZero();
            });
        });
    }

    @Test
    void theProxiesListenWhereConfigurationSaysAndRefuseAnAddressRollgateCannotReachThemOn() {
        context.run(ctx -> assertThat(ctx.getBean(LocalRouter.class).bindAddress()).isEqualTo("127.0.0.1"));
        context.withPropertyValues("rollgate.local.bind-address=0.0.0.0")
                .run(ctx -> assertThat(ctx.getBean(LocalRouter.class).bindAddress()).isEqualTo("0.0.0.0"));
        context.withPropertyValues("rollgate.local.bind-address=192.0.2.10")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("rollgate.local.bind-address"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({RollgateProperties.class, LocalProperties.class})
    @Import({Policies.class, SlidingTrafficStats.class, BuiltinMetricsProvider.class, LocalRouter.class,
            SyntheticLoad.class})
    static class Wiring {

        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        LocalBackends localBackends() {
            FakeBackends backends = new FakeBackends();
            backends.serve(Track.STABLE, BACKEND);
            return backends;
        }
    }
}
