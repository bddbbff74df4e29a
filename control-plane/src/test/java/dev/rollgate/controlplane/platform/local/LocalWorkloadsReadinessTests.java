package dev.rollgate.controlplane.platform.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrackStatus;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The local platform's readiness watch, without a JVM: a stand-in process (sleep) whose /ready is a small server
 * that keeps answering 503, as video-api does with {@code VIDEOAPI_FAULTS_READY=false}.
 */
class LocalWorkloadsReadinessTests {

    private static final Target TARGET = new Target("video-api", "staging", "default");
    private static final Revision CANDIDATE = new Revision("1.4.0", null, Map.of());

    @TempDir
    Path dir;
    private DisposableServer ready;
    private final AtomicReference<ManagedProcess> launched = new AtomicReference<>();

    @AfterEach
    void stop() {
        if (launched.get() != null) {
            launched.get().handle.destroyForcibly();
        }
        if (ready != null) {
            ready.disposeNow();
        }
    }

    private LocalWorkloads workloads(Duration notReadyTimeout) {
        LocalProperties properties = new LocalProperties(null, null, List.of(), dir.toString(), null, null, null,
                Duration.ofSeconds(2), Duration.ofSeconds(1), 0, notReadyTimeout, "");
        ProcessLauncher launcher = new ProcessLauncher(properties, null, null, Clock.systemUTC()) {
            @Override
            ManagedProcess launch(Target target, Track track, Revision revision) throws IOException {
                Process sleeper = new ProcessBuilder("sleep", "60").start();
                ManagedProcess p = new ManagedProcess(target, track, revision, ready.port(), sleeper,
                        sleeper.toHandle(), dir.resolve("out.log"), dir.resolve("pid.json"), Clock.systemUTC().instant());
                launched.set(p);
                return p;
            }
        };
        return new LocalWorkloads(launcher, null, new ReadinessProbe(), properties, null, Clock.systemUTC());
    }

    @Test
    void aProcessThatKeepsAnsweringNotReadyFailsItsTrackWithReadsAnswerAndIsStopped() {
        ready = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.get("/ready", (req, res) -> res.status(503)
                        .sendString(Mono.just("{\"status\":\"OUT_OF_SERVICE\"}"))))
                .bindNow();
        LocalWorkloads workloads = workloads(Duration.ofSeconds(1));

        workloads.apply(TARGET, Track.CANARY, CANDIDATE).block();

        await().atMost(Duration.ofSeconds(10)).until(() -> workloads.status(TARGET, Track.CANARY).block().failed());
        TrackStatus status = workloads.status(TARGET, Track.CANARY).block();
        assertThat(status.failure().reason()).isEqualTo("NotReady");
        assertThat(status.failure().message()).startsWith("/ready answered 503 for 1 s: ")
                .endsWith("{\"status\":\"OUT_OF_SERVICE\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> !launched.get().alive());
        // The failure stays until the engine retires the track; asking again for the same revision changes nothing.
        workloads.apply(TARGET, Track.CANARY, CANDIDATE).block();
        assertThat(workloads.status(TARGET, Track.CANARY).block().failure().reason()).isEqualTo("NotReady");
    }

    @Test
    void anApplyArrivingAfterStopStartsNoProcessThatWouldOutliveRollgate() {
        ready = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.get("/ready", (req, res) -> res.status(200).sendString(Mono.just("{}"))))
                .bindNow();
        LocalWorkloads workloads = workloads(Duration.ofSeconds(30));
        workloads.apply(TARGET, Track.STABLE, CANDIDATE).block();
        ManagedProcess first = launched.get();

        workloads.stop();
        // A tick still in flight re-asserts the same revision: the emptied slot must not start it again.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> workloads.apply(TARGET, Track.STABLE, CANDIDATE)
                .block()).hasMessageContaining("stopping");

        assertThat(launched.get()).isSameAs(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> !first.handle.isAlive());
    }
}
