package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import reactor.core.Disposable;

class EventPublisherTests {

    private static final int THREADS = 8;
    private static final int EACH = 2_000;

    @Test
    void eventsPublishedFromManyThreadsAtOnceAllReachALiveView() throws InterruptedException {
        EventPublisher publisher = new EventPublisher();
        AtomicInteger seen = new AtomicInteger();
        Disposable view = publisher.stream().subscribe(p -> seen.incrementAndGet());
        Release release = MachineFixtures.pending(Plan.Strategy.CANARY);
        ReleaseEvent event = new ReleaseEvent(ReleaseEvent.Type.STEP_ADVANCED, Actor.SYSTEM, "step", Map.of(),
                MachineFixtures.T0);

        runAtOnce(() -> publisher.publish(release, List.of(event)));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(seen).hasValue(THREADS * EACH));
        view.dispose();
    }

    @Test
    void nudgesFromManyThreadsAtOnceAllGetThrough() throws InterruptedException {
        ReconcileNudges nudges = new ReconcileNudges();
        AtomicInteger seen = new AtomicInteger();
        Disposable reconciler = nudges.stream().subscribe(id -> seen.incrementAndGet());
        UUID id = UUID.randomUUID();

        runAtOnce(() -> nudges.nudge(id));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(seen).hasValue(THREADS * EACH));
        reconciler.dispose();
    }

    private static void runAtOnce(Runnable emit) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < THREADS; t++) {
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < EACH; i++) {
                    emit.run();
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
}
