package dev.rollgate.controlplane.platform.local;

import java.time.Duration;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.metrics.builtin.TrafficStats;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Probes every running instance's /health each interval; the health gate is the share of failed probes. */
@Component
public class HealthProber implements SmartLifecycle {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final LocalWorkloads workloads;
    private final ReadinessProbe http;
    private final TrafficStats stats;
    private final Duration interval;
    private volatile Disposable loop;

    public HealthProber(LocalWorkloads workloads, ReadinessProbe http, TrafficStats stats, LocalProperties properties) {
        this.workloads = workloads;
        this.http = http;
        this.stats = stats;
        this.interval = properties.probeInterval();
    }

    @Override
    public void start() {
        loop = Flux.interval(interval)
                .onBackpressureDrop()
                .concatMap(n -> Flux.fromIterable(workloads.instances())
                        .flatMap(i -> http.status(i.port(), "/health", TIMEOUT)
                                .map(status -> status == 200)
                                .onErrorReturn(false)
                                .doOnNext(ok -> stats.recordProbe(i.target(), i.track(), i.version(), ok)))
                        .then()
                        .onErrorResume(e -> Mono.empty()))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = loop;
        if (current != null) {
            current.dispose();
            loop = null;
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }
}
