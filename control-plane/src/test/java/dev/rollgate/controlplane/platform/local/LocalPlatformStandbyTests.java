package dev.rollgate.controlplane.platform.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;

import dev.rollgate.controlplane.RollgateApplication;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.CleanDatabase;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedAdapters;

/**
 * Two whole Rollgates on one database (rollgate_test_h9) with a local environment: the second one stands by with
 * the API up and says so in its health, then takes the local platform over when the first stops. No bundled build
 * is bootstrapped, so no video-api JVM is started; the front ports are real.
 */
class LocalPlatformStandbyTests {

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void closeAll() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    private ConfigurableApplicationContext node(String name, boolean cleanDatabase) {
        List<Class<?>> sources = new ArrayList<>(List.of(RollgateApplication.class, ScriptedAdapters.class));
        if (cleanDatabase) {
            sources.add(CleanDatabase.class);
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(sources.toArray(Class[]::new))
                .profiles("enginetest")
                .run("--TEST_DB=rollgate_test_h9", "--server.port=0", "--rollgate.instance-id=" + name,
                        "--rollgate.local.bootstrap-version=", "--rollgate.local.lock-retry=300ms",
                        "--rollgate.local.state-dir=target/local-standby-" + name,
                        "--rollgate.environments.on-this-machine.platform=local",
                        "--rollgate.environments.on-this-machine.router=local",
                        "--rollgate.environments.on-this-machine.metrics=builtin",
                        "--rollgate.environments.on-this-machine.namespace=local-standby",
                        "--rollgate.environments.on-this-machine.strategy=rolling");
        contexts.add(context);
        return context;
    }

    private static Object runsHere(ConfigurableApplicationContext context) {
        return context.getBean("localPlatformHealthIndicator", HealthIndicator.class).health(true)
                .getDetails().get("runsHere");
    }

    @Test
    void aSecondRollgateStandsByWithItsApiUpAndTakesOverWhenTheFirstStops() {
        ConfigurableApplicationContext first = node("node-a", true);
        ConfigurableApplicationContext second = node("node-b", false);

        assertThat(first.getBean(LocalRouter.class).isRunning()).isTrue();
        assertThat(runsHere(first)).isEqualTo(true);
        assertThat(second.getBean(LocalRouter.class).isRunning()).isFalse();
        assertThat(second.getBean(LocalWorkloads.class).isRunning()).isFalse();
        assertThat(runsHere(second)).isEqualTo(false);
        assertThat(second.getBean("localPlatformHealthIndicator", HealthIndicator.class).health(true).getDetails()
                .get("why").toString()).contains("rollgate node-a pid " + ProcessHandle.current().pid());
        assertThat(second.isRunning()).as("the API and console keep serving").isTrue();
        ReleaseDriver throughSecond = new ReleaseDriver(second.getBean(ReleaseService.class),
                second.getBean(ReleaseRepository.class), second.getBean(EventRepository.class));
        assertThatThrownBy(() -> throughSecond.start("svc-a", "on-this-machine", "a-2.0.0"))
                .hasMessageContaining("run by another Rollgate on this database");
        assertThat(second.getBean(ReleaseRepository.class).hasAny("svc-a", "on-this-machine").block()).isFalse();

        first.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> second.getBean(LocalPlatformLock.class).held());
        assertThat(second.getBean(LocalRouter.class).isRunning()).isTrue();
        assertThat(second.getBean(LocalWorkloads.class).isRunning()).isTrue();
        assertThat(runsHere(second)).isEqualTo(true);
    }
}
