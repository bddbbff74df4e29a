package dev.rollgate.controlplane.platform.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.rollgate.controlplane.metrics.builtin.SlidingTrafficStats;
import dev.rollgate.controlplane.release.port.Target;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;

/**
 * Two Rollgates on one database (rollgate_test_h9) with the local platform: the second neither binds the front
 * port nor claims the platform, says who holds it, and takes over once the first is gone — stopped, or its session
 * killed as a {@code kill -9} would end it. Real routers on one real port stand in for the whole platform.
 */
class LocalPlatformLockTests {

    private static final String URL = "r2dbc:postgresql://postgres@127.0.0.1:5432/rollgate_test_h9";
    private static final Duration RETRY = Duration.ofMillis(300);
    private static final Target DEV = new Target("video-api", "dev", "video-dev");

    private final ConnectionFactory factory = ConnectionFactories.get(URL);
    private final List<Runnable> cleanup = new ArrayList<>();

    /** One Rollgate's lock and router, as its context would start them: the lock first, then the router. */
    private record Node(LocalPlatformLock lock, LocalRouter router, LocalWorkloads workloads, AtomicInteger takeOvers) {
        void start() {
            lock.start();
            router.start();
        }

        void stop() {
            router.stop();
            lock.stop();
        }
    }

    private Node node(String instance, int frontPort) {
        return node(instance, frontPort, RETRY);
    }

    private Node node(String instance, int frontPort, Duration retry) {
        LocalRouter router = new LocalRouter(Map.of(DEV, frontPort), (target, track) -> Optional.empty(),
                new SlidingTrafficStats(java.time.Clock.systemUTC(), new SimpleMeterRegistry()), Duration.ofSeconds(2));
        LocalWorkloads workloads = new LocalWorkloads(null, null, null, null, null, java.time.Clock.systemUTC());
        AtomicInteger takeOvers = new AtomicInteger();
        LocalPlatformLock lock = new LocalPlatformLock(factory, true, "rollgate " + instance + " pid 4242", retry,
                () -> List.of(router), takeOvers::incrementAndGet);
        router.setLock(lock);
        workloads.setLock(lock);
        Node node = new Node(lock, router, workloads, takeOvers);
        cleanup.add(() -> {
            node.stop();
            router.close();
        });
        return node;
    }

    @AfterEach
    void stopAll() {
        cleanup.forEach(Runnable::run);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aSecondRollgateStandsByNamingTheHolderAndBindsNoFrontPort() throws IOException {
        int port = freePort();
        Node first = node("node-a", port);
        Node second = node("node-b", port);
        first.start();
        second.start();

        assertThat(first.lock().held()).isTrue();
        assertThat(first.router().frontPort(DEV)).contains(port);
        assertThat(second.lock().held()).isFalse();
        assertThat(second.router().isRunning()).isFalse();
        assertThat(second.router().frontPort(DEV)).isEmpty();
        assertThat(second.lock().standbyReason()).hasValueSatisfying(why -> assertThat(why)
                .contains("another Rollgate", "rollgate node-a pid 4242", "backend pid"));
        assertThat(second.workloads().drivenHere()).isFalse();
        assertThat(second.workloads().unavailable(DEV).block()).isEqualTo(second.lock().standbyReason());
        assertThat(first.workloads().unavailable(DEV).block()).isEmpty();
    }

    @Test
    void theSecondTakesOverWithinTheRetryIntervalOnceTheFirstStops() throws IOException {
        int port = freePort();
        Node first = node("node-a", port);
        Node second = node("node-b", port);
        first.start();
        second.start();

        first.stop();

        await().atMost(RETRY.multipliedBy(10)).until(() -> second.lock().held());
        assertThat(second.router().isRunning()).isTrue();
        assertThat(second.router().frontPort(DEV)).contains(port);
        assertThat(second.takeOvers()).hasValue(1);
        assertThat(second.workloads().drivenHere()).isTrue();
        assertThat(second.lock().standbyReason()).isEmpty();
    }

    @Test
    void theSecondTakesOverWhenTheHolderDiesWithoutLettingGo() throws IOException {
        // A dead holder never runs its loop again: an hour stands for never here.
        Node first = node("node-a", freePort(), Duration.ofHours(1));
        Node second = node("node-b", freePort());
        first.start();
        second.start();
        assertThat(second.lock().held()).isFalse();

        // What PostgreSQL sees of a holder killed with kill -9: its session ends, nothing is unlocked by hand.
        killSessionOf("node-a");

        await().atMost(RETRY.multipliedBy(10)).until(() -> second.lock().held());
        assertThat(second.router().isRunning()).isTrue();
    }

    /** What PostgreSQL sees of a holder killed with kill -9, or of its own restart: the session ends. */
    private void killSessionOf(String instance) {
        DatabaseClient db = DatabaseClient.create(factory);
        Integer pid = db.sql("select pid from pg_stat_activity where application_name = :name")
                .bind("name", "rollgate " + instance + " pid 4242").map(row -> row.get("pid", Integer.class)).one()
                .block();
        assertThat(db.sql("select pg_terminate_backend(:pid) as done").bind("pid", pid)
                .map(row -> row.get("done", Boolean.class)).one().block()).isTrue();
        // pg_terminate_backend only signals: the session, and its lock, go a moment later.
        await().atMost(Duration.ofSeconds(5)).until(() -> db
                .sql("select (select count(*) from pg_locks where pid = :pid)"
                        + " + (select count(*) from pg_stat_activity where pid = :pid) as n").bind("pid", pid)
                .map(row -> row.get("n", Long.class)).one().block() == 0);
    }

    @Test
    void aHolderWhoseSessionEndedTakesTheLockAgainWhenNobodyElseHas() throws IOException {
        // Rounds are driven by hand: neither loop would run within the test.
        Node first = node("node-a", freePort(), Duration.ofHours(1));
        Node second = node("node-b", freePort(), Duration.ofHours(1));
        first.start();
        second.start();
        killSessionOf("node-a");

        first.lock().retry();
        second.lock().retry();

        assertThat(first.lock().held()).isTrue();
        assertThat(first.router().isRunning()).isTrue();
        assertThat(second.lock().held()).isFalse();
        assertThat(second.lock().standbyReason()).hasValueSatisfying(why -> assertThat(why).contains("node-a"));
    }

    @Test
    void aHolderThatLostTheLockToAnotherStopsItsPartOfThePlatform() throws IOException {
        Node first = node("node-a", freePort(), Duration.ofHours(1));
        Node second = node("node-b", freePort(), Duration.ofHours(1));
        first.start();
        second.start();
        killSessionOf("node-a");

        second.lock().retry();
        first.lock().retry();

        assertThat(second.lock().held()).isTrue();
        assertThat(second.router().isRunning()).isTrue();
        assertThat(first.lock().held()).isFalse();
        assertThat(first.router().isRunning()).isFalse();
        assertThat(first.lock().standbyReason()).hasValueSatisfying(why -> assertThat(why).contains("node-b"));
    }

    @Test
    void withoutALocalEnvironmentThereIsNothingToLockAndNoDatabaseIsAsked() {
        ConnectionFactory unreachable = ConnectionFactories.get("r2dbc:postgresql://postgres@127.0.0.1:1/none");
        LocalPlatformLock lock = new LocalPlatformLock(unreachable, false, "rollgate solo pid 1", RETRY, List::of,
                () -> { });
        lock.start();
        cleanup.add(lock::stop);

        assertThat(lock.held()).isTrue();
        assertThat(lock.standbyReason()).isEmpty();
    }
}
