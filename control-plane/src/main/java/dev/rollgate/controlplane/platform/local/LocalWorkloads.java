package dev.rollgate.controlplane.platform.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.port.Workloads;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * video-api as child processes, one per track. Updating a track is a surge of one: the new process starts beside
 * the old, takes over once its /ready answers, and only then is the old one drained — maxSurge 1, maxUnavailable 0.
 */
@Component
public class LocalWorkloads implements Workloads, LocalBackends, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LocalWorkloads.class);
    private static final Duration READY_POLL = Duration.ofMillis(200);

    private final ProcessLauncher launcher;
    private final PidFiles pidFiles;
    private final ReadinessProbe probe;
    private final LocalProperties properties;
    private final dev.rollgate.controlplane.policy.Policies policies;
    private final java.time.Clock clock;
    /** Set by {@link #stop()}: no process may start after the slots were emptied. */
    private volatile boolean closed;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private volatile Disposable supervisor;

    public LocalWorkloads(ProcessLauncher launcher, PidFiles pidFiles, ReadinessProbe probe,
                          LocalProperties properties, dev.rollgate.controlplane.policy.Policies policies,
                          java.time.Clock clock) {
        this.policies = policies;
        this.clock = clock;
        this.launcher = launcher;
        this.pidFiles = pidFiles;
        this.probe = probe;
        this.properties = properties;
    }

    /** The desired revision of a track and the processes serving or about to serve it. Guarded by itself. */
    private static final class Slot {
        Revision desired;
        ManagedProcess serving;
        ManagedProcess pending;
        TrackStatus.Failure failure;
    }

    @Override
    public String platform() {
        return "local";
    }

    private Slot slot(Target target, Track track) {
        return slots.computeIfAbsent(target.key() + "/" + track.id(), k -> new Slot());
    }

    @Override
    public Mono<Void> apply(Target target, Track track, Revision revision) {
        return Mono.fromCallable(() -> {
            Slot slot = slot(target, track);
            ManagedProcess toStop = null;
            synchronized (slot) {
                if (closed) {
                    // A tick still in flight while Rollgate stops: a process started now would outlive it.
                    throw new IllegalStateException("the local platform is stopping; not starting " + track.id()
                            + " " + revision.version() + " of " + target.key());
                }
                if (revision.equals(slot.desired) && (slot.pending != null || slot.failure != null
                        || (slot.serving != null && slot.serving.alive()))) {
                    return null;
                }
                slot.desired = revision;
                slot.failure = null;
                if (slot.serving != null && slot.serving.revision.equals(revision) && slot.serving.alive()) {
                    toStop = slot.pending;
                    slot.pending = null;
                } else {
                    toStop = slot.pending;
                    slot.pending = start(slot, target, track, revision);
                }
            }
            stopLater(toStop);
            return null;
        }).subscribeOn(Schedulers.boundedElastic()).then();
    }

    /** Called with the slot locked. A process that cannot even be spawned is a failure of the track. */
    private ManagedProcess start(Slot slot, Target target, Track track, Revision revision) {
        try {
            ManagedProcess p = launcher.launch(target, track, revision);
            watch(slot, p);
            return p;
        } catch (Exception e) {
            slot.failure = new TrackStatus.Failure("ProcessFailed", e.getMessage());
            log.warn("cannot start {} {} of {}: {}", track.id(), revision.version(), target.key(), e.getMessage());
            return null;
        }
    }

    private void watch(Slot slot, ManagedProcess p) {
        NotReadyStreak streak = new NotReadyStreak(properties.notReadyTimeout());
        // Drop ticks while a probe is still out: a slow /ready must not overflow the interval and kill the watch.
        Flux.interval(READY_POLL)
                .onBackpressureDrop()
                .concatMap(n -> p.alive() ? probe.readiness(p.port) : Mono.just(ReadinessProbe.Answer.NONE), 1)
                .map(answer -> streak.record(answer, clock.instant()))
                .takeUntil(o -> o != NotReadyStreak.Outcome.WAITING || !p.alive() || p.stopping())
                .last(NotReadyStreak.Outcome.WAITING)
                .flatMap(o -> o == NotReadyStreak.Outcome.READY ? warmUp(p).thenReturn(o) : Mono.just(o))
                .onErrorReturn(NotReadyStreak.Outcome.WAITING)
                .subscribe(o -> settle(slot, p, o, streak));
    }

    /**
     * A fresh JVM answers its first requests slowly while classes load and code compiles; a few calls to the
     * application's smoke paths before it takes traffic keep that start-up cost out of the latency gate.
     */
    private Mono<Void> warmUp(ManagedProcess p) {
        List<String> paths = policies.application(p.target.application())
                .map(dev.rollgate.controlplane.policy.Application::smokePaths).orElse(List.of("/health"));
        return Flux.range(0, properties.warmupRequests())
                .flatMap(i -> probe.status(p.port, paths.get(i % paths.size()), Duration.ofSeconds(5))
                        .onErrorReturn(0), 8)
                .then();
    }

    /** {@code WAITING} here means the watch ended without a verdict: the process exited or is being stopped. */
    private void settle(Slot slot, ManagedProcess p, NotReadyStreak.Outcome outcome, NotReadyStreak streak) {
        ManagedProcess toStop = null;
        synchronized (slot) {
            if (slot.pending != p) {
                return;
            }
            if (outcome == NotReadyStreak.Outcome.READY) {
                p.markReady();
                toStop = slot.serving;
                slot.serving = p;
                slot.pending = null;
                log.info("{} is ready", p.describe());
            } else if (outcome == NotReadyStreak.Outcome.NOT_READY && !p.stopping()) {
                // It runs but will not become ready in time: give up now, not at the release's ready timeout.
                slot.pending = null;
                slot.failure = new TrackStatus.Failure("NotReady", streak.describe());
                toStop = p;
                log.warn("{} is not ready: {}", p.describe(), slot.failure.message());
            } else if (!p.stopping()) {
                slot.pending = null;
                slot.failure = new TrackStatus.Failure("ProcessFailed", "process exited"
                        + p.exitCode().map(c -> " with code " + c).orElse("")
                        + " before it was ready; last output:\n" + p.lastLines(15));
                log.warn("{} exited before it was ready", p.describe());
            }
        }
        stopLater(toStop);
    }

    private void stopLater(ManagedProcess p) {
        if (p != null) {
            Mono.fromRunnable(() -> stop(p)).subscribeOn(Schedulers.boundedElastic()).subscribe();
        }
    }

    private void stop(ManagedProcess p) {
        p.stop(properties.stopTimeout());
        log.info("stopped {}", p.describe());
    }

    /** Local work is synchronous, so the platform has always caught up with the last request. */
    @Override
    public Mono<TrackStatus> status(Target target, Track track) {
        return Mono.fromSupplier(() -> {
            Slot slot = slot(target, track);
            synchronized (slot) {
                ManagedProcess serving = slot.serving;
                boolean servingUp = serving != null && serving.ready();
                boolean servingAlive = serving != null && serving.alive();
                if (slot.desired == null) {
                    // Scaled to zero; a process still draining is ready in nobody's eyes but not gone either.
                    int draining = servingAlive ? 1 : 0;
                    return new TrackStatus(null, null, 0, 0, draining, draining, true, null,
                            draining == 1 ? "stopping " + serving.describe() : null);
                }
                Revision desired = slot.desired;
                boolean servingDesired = servingUp && serving.revision.equals(desired);
                int updated = servingDesired || slot.pending != null ? 1 : 0;
                TrackStatus.Failure failure = slot.failure;
                String note = slot.pending == null ? null : "starting " + slot.pending.revision.version()
                        + " on port " + slot.pending.port;
                return new TrackStatus(desired.digest(), desired.version(), 1, updated, servingUp ? 1 : 0,
                        servingDesired ? 1 : 0, true, failure, note);
            }
        });
    }

    /**
     * Returns once the track is asked to stop; the drain (up to the stop timeout) goes on in the background and
     * {@link #status} reports the track as not yet scaled to zero until the process has exited, so a tick never
     * waits for a drain and the machine still sees when it is done.
     */
    @Override
    public Mono<Void> scaleToZero(Target target, Track track) {
        return Mono.fromRunnable(() -> {
            Slot slot = slot(target, track);
            ManagedProcess pending;
            ManagedProcess serving;
            synchronized (slot) {
                boolean draining = slot.serving == null || slot.serving.stopping();
                if (slot.desired == null && slot.pending == null && draining) {
                    return;
                }
                slot.desired = null;
                slot.failure = null;
                pending = slot.pending;
                serving = slot.serving;
                slot.pending = null;
            }
            stopLater(pending);
            if (serving != null && !serving.stopping()) {
                Mono.fromRunnable(() -> {
                    stop(serving);
                    synchronized (slot) {
                        if (slot.desired == null && slot.serving == serving) {
                            slot.serving = null;
                        }
                    }
                }).subscribeOn(Schedulers.boundedElastic()).subscribe();
            }
        }).then();
    }

    @Override
    public Optional<Backend> backend(Target target, Track track) {
        Slot slot = slots.get(target.key() + "/" + track.id());
        if (slot == null) {
            return Optional.empty();
        }
        ManagedProcess p = slot.serving;
        // A draining process finishes what it has but is sent nothing new.
        return p != null && p.ready() && !p.stopping() ? Optional.of(new Backend(p.port, p.revision.version()))
                : Optional.empty();
    }

    /** Every ready instance, for the health prober. */
    public List<Instance> instances() {
        List<Instance> all = new ArrayList<>();
        slots.values().forEach(slot -> {
            ManagedProcess p = slot.serving;
            if (p != null && p.ready()) {
                all.add(new Instance(p.target, p.track, p.revision.version(), p.port));
            }
        });
        return all;
    }

    public record Instance(Target target, Track track, String version, int port) {
    }

    @Override
    public void start() {
        closed = false;
        for (ManagedProcess p : pidFiles.leftovers()) {
            Slot slot = slot(p.target, p.track);
            boolean healthy = Boolean.TRUE.equals(probe.ready(p.port).block(Duration.ofSeconds(3)));
            synchronized (slot) {
                if (healthy && slot.serving == null) {
                    p.markReady();
                    slot.serving = p;
                    slot.desired = p.revision;
                    log.info("adopted {} left by an earlier run", p.describe());
                    continue;
                }
            }
            log.info("stopping {} left by an earlier run", p.describe());
            stop(p);
        }
        supervisor = Flux.interval(Duration.ofSeconds(1)).subscribe(n -> restartCrashed());
    }

    /** A serving process that died on its own is restarted, as a Deployment's pod would be. */
    private void restartCrashed() {
        slots.forEach((key, slot) -> {
            synchronized (slot) {
                ManagedProcess s = slot.serving;
                if (s != null && !s.alive() && !s.stopping() && slot.pending == null && slot.desired != null) {
                    log.warn("{} died; starting it again", s.describe());
                    slot.pending = start(slot, s.target, s.track, slot.desired);
                }
            }
        });
    }

    @Override
    public void stop() {
        closed = true;
        Disposable current = supervisor;
        if (current != null) {
            current.dispose();
            supervisor = null;
        }
        List<ManagedProcess> all = new ArrayList<>();
        slots.values().forEach(slot -> {
            synchronized (slot) {
                if (slot.pending != null) {
                    all.add(slot.pending);
                }
                if (slot.serving != null) {
                    all.add(slot.serving);
                }
                slot.pending = null;
                slot.serving = null;
            }
        });
        Flux.fromIterable(all).flatMap(p -> Mono.fromRunnable(() -> stop(p)).subscribeOn(Schedulers.boundedElastic()))
                .then().block(properties.stopTimeout().plusSeconds(10));
    }

    @Override
    public boolean isRunning() {
        return supervisor != null;
    }

    @Override
    public int getPhase() {
        // Stop after the reconciler (which stops first, at a higher phase): no effect may start a process after this.
        return Integer.MAX_VALUE - 4096;
    }
}
