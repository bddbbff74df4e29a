package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.release.port.Workloads;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class ObservationCollectorTests {

    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();
    private final Target target = new Target("video-api", "staging", "ns");

    @AfterEach
    void resetHooks() {
        Hooks.resetOnErrorDropped();
    }

    @Test
    void readingsFailingTogetherBecomeTheObservationsErrorAndNoneIsDropped() {
        Hooks.onErrorDropped(dropped::add);
        ObservationCollector collector = new ObservationCollector(null, List.of(), Clock.systemUTC(), List.of());

        Observation o = collector.observe(null, null, null, target, new Unreachable(), new UnreachableRouter(), null)
                .block(Duration.ofSeconds(10));

        assertThat(o.error()).isNotNull();
        assertThat(o.error().permanent()).isFalse();
        assertThat(o.error().describe()).contains("API server did not answer");
        // The slower reads fail after the first: nothing of theirs may end in Reactor's dropped-error log.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(dropped::isEmpty);
    }

    /** An API server that is down: every read fails, on its own thread, the canary's a moment after the stable's. */
    private static final class Unreachable implements Workloads {
        @Override
        public String platform() {
            return "kubernetes";
        }

        @Override
        public Mono<Void> apply(Target target, Track track, Revision revision) {
            return Mono.error(AdapterException.transientError("API server did not answer"));
        }

        @Override
        public Mono<TrackStatus> status(Target target, Track track) {
            return Mono.<TrackStatus>fromCallable(() -> {
                if (track == Track.CANARY) {
                    Thread.sleep(100); // a slower read of the same outage, not a wait for a condition
                }
                throw AdapterException.transientError("API server did not answer");
            }).subscribeOn(Schedulers.boundedElastic());
        }

        @Override
        public Mono<Void> scaleToZero(Target target, Track track) {
            return Mono.error(AdapterException.transientError("API server did not answer"));
        }
    }

    private static final class UnreachableRouter implements TrafficRouter {
        @Override
        public String name() {
            return "istio";
        }

        @Override
        public Mono<Void> route(Target target, Weights weights) {
            return Mono.error(AdapterException.transientError("API server did not answer"));
        }

        @Override
        public Mono<Weights> current(Target target) {
            return Mono.<Weights>fromCallable(() -> {
                Thread.sleep(150); // as above
                throw AdapterException.transientError("API server did not answer");
            }).subscribeOn(Schedulers.boundedElastic());
        }
    }
}
