package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.rollgate.controlplane.RollgateApplication;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.LeaseRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.CleanDatabase;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedAdapters;
import dev.rollgate.controlplane.support.ScriptedWorld;
import dev.rollgate.controlplane.support.ScriptedWorld.Change;

/** Control planes that stop, crash or run side by side on one database (rollgate_test_b). */
class ReleaseRecoveryTests {

    private static final ScriptedWorld world = ScriptedWorld.INSTANCE;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void closeAll() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    private ConfigurableApplicationContext node(String name, boolean cleanDatabase) {
        return node(name, cleanDatabase, "1s");
    }

    private ConfigurableApplicationContext node(String name, boolean cleanDatabase, String stepDuration) {
        List<Class<?>> sources = new ArrayList<>(List.of(RollgateApplication.class, ScriptedAdapters.class));
        if (cleanDatabase) {
            sources.add(CleanDatabase.class);
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(sources.toArray(Class[]::new))
                .profiles("enginetest")
                .run("--TEST_DB=rollgate_test_b", "--server.port=0", "--rollgate.instance-id=" + name,
                        "--rollgate.lease-ttl=2s", "--rollgate.environments.staging.canary.step-duration=" + stepDuration);
        contexts.add(context);
        return context;
    }

    private static ReleaseDriver driver(ConfigurableApplicationContext context) {
        return new ReleaseDriver(context.getBean(ReleaseService.class), context.getBean(ReleaseRepository.class),
                context.getBean(EventRepository.class));
    }

    @Test
    void aNewControlPlaneContinuesARunningCanaryFromTheSameStep() {
        ConfigurableApplicationContext first = node("node-a", true);
        ReleaseDriver a = driver(first);
        a.establish("svc-s", "staging", "s-1.0.0");
        world.scriptHealthy("s-1.1.0");
        Release release = a.start("svc-s", "staging", "s-1.1.0");
        await().atMost(Duration.ofSeconds(20)).until(() -> a.releases().findById(release.id()).block().weight() == 25);

        first.close();
        ReleaseDriver b = driver(node("node-b", false));
        b.awaitSettled(release.id(), ReleaseState.SUCCEEDED);

        List<ReleaseEvent> history = b.events(release.id());
        assertThat(history.stream().filter(e -> e.type() == Type.STEP_ADVANCED).map(e -> e.data().get("weight")))
                .containsExactly(5, 25, 50);
        assertThat(history.stream().map(ReleaseEvent::type).filter(t -> t != Type.STEP_ADVANCED))
                .doesNotHaveDuplicates();
        assertThat(world.changes("svc-s/staging")).containsExactly("apply stable s-1.0.0", "apply canary s-1.1.0",
                "route 100/0", "route 95/5", "route 75/25", "route 50/50", "apply stable s-1.1.0", "route 100/0", "scale canary 0");
        assertThat(world.allChanges("svc-s/staging")).filteredOn(c -> c.what().equals("route 50/50"))
                .extracting(Change::instance).containsExactly("node-b");
    }

    @Test
    void eachReleaseIsDrivenByOneReplicaAndAnotherTakesOverWhenItDies() {
        ConfigurableApplicationContext nodeA = node("node-a", true, "3s");
        ConfigurableApplicationContext nodeB = node("node-b", false, "3s");
        ReleaseDriver a = driver(nodeA);
        List<String> apps = List.of("svc-u", "svc-v", "svc-w", "svc-x");
        List<Release> running = new ArrayList<>();
        apps.forEach(app -> a.establish(app, "staging", app + "-1"));
        for (String app : apps) {
            world.scriptHealthy(app + "-2");
            running.add(a.start(app, "staging", app + "-2"));
        }
        LeaseRepository leases = nodeA.getBean(LeaseRepository.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> running.stream()
                .map(r -> a.releases().findById(r.id()).block().state()).toList(),
                states -> states.stream().allMatch(s -> s == ReleaseState.PROGRESSING));

        for (Release r : running) {
            String holder = leases.holder(r.id()).block();
            assertThat(world.allChanges(r.application() + "/staging")).filteredOn(c -> c.what().contains(r.version()))
                    .extracting(Change::instance).containsOnly(holder);
        }

        Release victim = running.stream().filter(r -> "node-a".equals(leases.holder(r.id()).block())).findFirst()
                .orElseGet(() -> running.get(0));
        String dying = leases.holder(victim.id()).block();
        String survivor = dying.equals("node-a") ? "node-b" : "node-a";
        (dying.equals("node-a") ? nodeA : nodeB).getBean(ReleaseReconciler.class).halt();
        Instant died = Instant.now();

        await().atMost(Duration.ofSeconds(10)).until(() -> survivor.equals(leases.holder(victim.id()).block()));
        Duration takeover = Duration.between(died, Instant.now());
        ReleaseDriver alive = driver(dying.equals("node-a") ? nodeB : nodeA);
        alive.awaitSettled(victim.id(), ReleaseState.SUCCEEDED);

        assertThat(takeover).isLessThan(Duration.ofSeconds(2).plusSeconds(3));
        assertThat(world.allChanges(victim.application() + "/staging"))
                .filteredOn(c -> c.what().equals("scale canary 0")).extracting(Change::instance)
                .containsExactly(survivor);
        for (Release r : running) {
            alive.awaitSettled(r.id(), ReleaseState.SUCCEEDED);
        }
    }
}
