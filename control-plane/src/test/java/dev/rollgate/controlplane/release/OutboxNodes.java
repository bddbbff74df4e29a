package dev.rollgate.controlplane.release;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.flywaydb.core.Flyway;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.rollgate.controlplane.RollgateApplication;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.release.port.Notifier;
import dev.rollgate.controlplane.support.ScriptedAdapters;
import reactor.core.publisher.Mono;

/**
 * Control planes ("replicas") started by hand on one database of the caller's, each with recording notifiers
 * that share one delivery log, so a test can tell which replica delivered what and how often.
 */
final class OutboxNodes implements AutoCloseable {

    /** One delivery: the event is named by its reason ("e1", "e2", ...). */
    record Delivery(String replica, String notifier, UUID releaseId, String event) {
    }

    /** Records every delivery; fails the first {@code failuresLeft} calls as a network error would. */
    static final class Recording implements Notifier {
        private final String name;
        private final String replica;
        private final Queue<Delivery> log;
        private final AtomicInteger failuresLeft;

        Recording(String name, String replica, Queue<Delivery> log, AtomicInteger failuresLeft) {
            this.name = name;
            this.replica = replica;
            this.log = log;
            this.failuresLeft = failuresLeft;
        }

        @Override
        public Mono<Void> publish(Release release, ReleaseEvent event) {
            return Mono.defer(() -> {
                if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    return Mono.error(new IOException("notifier " + name + " is down"));
                }
                log.add(new Delivery(replica, name, release.id(), event.reason()));
                return Mono.empty();
            });
        }

        @Override
        public String name() {
            return name;
        }
    }

    final Queue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    /** Failures the "flaky" notifier has left, shared by every replica. */
    final AtomicInteger flakyFailures = new AtomicInteger();
    private final String database;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    OutboxNodes(String database) {
        this.database = database;
        Flyway.configure().dataSource("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "")
                .cleanDisabled(false).load().clean();
    }

    ConfigurableApplicationContext start(String replica, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--TEST_DB=" + database, "--server.port=0",
                "--rollgate.instance-id=" + replica, "--rollgate.outbox.retry-backoff=100ms",
                "--rollgate.outbox.max-retry-backoff=400ms", "--rollgate.outbox.poll-interval=500ms"));
        args.addAll(List.of(extraArgs));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(RollgateApplication.class,
                ScriptedAdapters.class)
                .profiles("enginetest")
                .initializers(c -> {
                    c.getBeanFactory().registerSingleton("steadyNotifier",
                            new Recording("steady", replica, deliveries, new AtomicInteger()));
                    c.getBeanFactory().registerSingleton("flakyNotifier",
                            new Recording("flaky", replica, deliveries, flakyFailures));
                })
                .run(args.toArray(String[]::new));
        contexts.add(context);
        return context;
    }

    /** Commits a release (finalized, so no reconciler drives it) with events e1..e{count}, in two transactions. */
    static Release commitEvents(ConfigurableApplicationContext node, int count) {
        ReleaseRepository releases = node.getBean(ReleaseRepository.class);
        Release release = ReleaseMachine.create(UUID.randomUUID(), "outbox-" + UUID.randomUUID(), "staging",
                MachineFixtures.NEW, MachineFixtures.OLD, null, MachineFixtures.plan(Plan.Strategy.CANARY),
                MachineFixtures.PLACEMENT, MachineFixtures.ALICE, null, MachineFixtures.T0, Map.of()).release()
                .markFinalized();
        int half = count / 2;
        Release saved = releases.insert(release, events(1, half), Mono.empty()).block();
        releases.update(saved, events(half + 1, count)).block();
        return saved;
    }

    /** Appends e{from}..e{to} to a release already stored. */
    static void commitMore(ConfigurableApplicationContext node, UUID releaseId, int from, int to) {
        ReleaseRepository releases = node.getBean(ReleaseRepository.class);
        releases.findById(releaseId).flatMap(current -> releases.update(current, events(from, to))).block();
    }

    static List<ReleaseEvent> events(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> new ReleaseEvent(ReleaseEvent.Type.STEP_ADVANCED,
                Actor.SYSTEM, "e" + i, Map.of("step", i), MachineFixtures.T0.plusSeconds(i))).toList();
    }

    static List<String> names(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "e" + i).toList();
    }

    List<String> delivered(String notifier, UUID releaseId) {
        return deliveries.stream().filter(d -> d.notifier().equals(notifier) && d.releaseId().equals(releaseId))
                .map(Delivery::event).toList();
    }

    @Override
    public void close() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }
}
