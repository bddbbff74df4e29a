package dev.rollgate.controlplane.platform.local.load;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.platform.local.LocalProperties;
import dev.rollgate.controlplane.platform.local.LocalRouter;
import io.netty.channel.ChannelOption;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Steady requests through each local front port, so a canary on a laptop has traffic to be judged on. Without
 * it the gates would only ever see the handful of requests a person makes, and stay inconclusive.
 * <p>
 * Started when the application is ready (the proxies are up by then) and stopped before the proxies are.
 */
@Component
public class SyntheticLoad implements SmartLifecycle, dev.rollgate.controlplane.release.port.TargetFacts {

    /** Slow or stuck backends must not make the load pile up; ticks beyond this many in flight are dropped. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 32;

    private static final Logger log = LoggerFactory.getLogger(SyntheticLoad.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int VIDEO_IDS = 5;

    private final Map<String, Integer> rates = new LinkedHashMap<>();
    private final Map<String, Target> targets = new LinkedHashMap<>();
    /** Every target behind a local front port, with or without load: the ones synthetic load could feed. */
    private final java.util.Set<String> local = new java.util.HashSet<>();
    private final Function<Target, Optional<Integer>> frontPorts;
    private final int maxInFlight;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private ConnectionProvider pool;
    private Disposable.Composite running;

    @Autowired
    public SyntheticLoad(LocalRouter router, LocalProperties properties) {
        this(rates(router, properties), router::frontPort, DEFAULT_MAX_IN_FLIGHT);
    }

    /** @param rates requests per second per target (0: none) */
    public SyntheticLoad(Map<Target, Integer> rates, Function<Target, Optional<Integer>> frontPorts, int maxInFlight) {
        rates.keySet().forEach(target -> local.add(target.key()));
        rates.forEach((target, rate) -> {
            if (rate != null && rate > 0) {
                this.rates.put(target.key(), rate);
                this.targets.put(target.key(), target);
            }
        });
        this.frontPorts = frontPorts;
        this.maxInFlight = maxInFlight;
    }

    /** Requests per second sent to {@code target} while running; 0 when it gets none. */
    public int rate(Target target) {
        return isRunning() ? rates.getOrDefault(target.key(), 0) : 0;
    }

    /** Recorded on every release's CREATED event, so nobody mistakes demo traffic for users. */
    @Override
    public Map<String, Object> facts(Target target) {
        int rate = rate(target);
        return rate > 0 ? Map.of("syntheticLoad", rate + " req/s") : Map.of();
    }

    /** The setting that feeds a local target's gates when real traffic is too thin to judge a canary on. */
    @Override
    public Optional<String> moreTraffic(Target target) {
        if (!local.contains(target.key())) {
            return Optional.empty();
        }
        String setting = "rollgate.local.synthetic-load." + target.environment();
        Integer rate = rates.get(target.key());
        return Optional.of(rate == null || rate <= 0
                ? "turn on the environment's synthetic load (" + setting + ", requests/s; off now)"
                : "raise the environment's synthetic load (" + setting + ", " + rate + " req/s now)");
    }

    /** Ticks skipped because {@link #DEFAULT_MAX_IN_FLIGHT} requests were still waiting. */
    public long dropped() {
        return dropped.get();
    }

    public long sent() {
        return sent.get();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        start();
    }

    @Override
    public synchronized void start() {
        if (running != null || rates.isEmpty()) {
            return;
        }
        pool = ConnectionProvider.builder("rollgate-synthetic-load").maxConnections(maxInFlight * targets.size())
                .maxIdleTime(Duration.ofSeconds(20)).build();
        HttpClient client = HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
                .responseTimeout(REQUEST_TIMEOUT);
        running = Disposables.composite();
        targets.forEach((key, target) -> {
            Optional<Integer> port = frontPorts.apply(target);
            if (port.isEmpty()) {
                log.warn("synthetic load: no front port for {}, sending nothing to it", key);
                return;
            }
            int rate = rates.get(key);
            log.info("synthetic load: {} req/s through 127.0.0.1:{} for {}", rate, port.get(), key);
            running.add(load(client.baseUrl("http://127.0.0.1:" + port.get()), rate));
        });
    }

    private Disposable load(HttpClient client, int rate) {
        AtomicLong sequence = new AtomicLong();
        return Flux.interval(Duration.ofNanos(1_000_000_000L / rate))
                // flatMap asks for one tick per free slot; ticks that come while every slot is busy are dropped.
                .onBackpressureDrop(tick -> dropped.incrementAndGet())
                .flatMap(tick -> send(client, path(sequence.getAndIncrement())), maxInFlight, 1)
                .subscribe();
    }

    private Mono<Void> send(HttpClient client, String path) {
        sent.incrementAndGet();
        return client.get().uri(path)
                .responseContent()
                .then()
                .timeout(REQUEST_TIMEOUT)
                // Failures are the proxy's and the gates' business: they are counted there, not here.
                .onErrorResume(e -> Mono.empty());
    }

    /** Rotates the catalogue list, one video (ids 1..5; a missing one is a 404, not an error) and the plans. */
    static String path(long sequence) {
        switch ((int) (sequence % 3)) {
            case 0:
                return "/api/videos";
            case 1:
                return "/api/videos/" + ((sequence / 3) % VIDEO_IDS + 1);
            default:
                return "/api/subscriptions/plans";
        }
    }

    @Override
    public synchronized void stop() {
        if (running != null) {
            running.dispose();
            running = null;
            pool.disposeLater().block(Duration.ofSeconds(5));
            pool = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return running != null;
    }

    /** Started by {@link #onReady()}, not with the context: the proxies and instances come up first. */
    @Override
    public boolean isAutoStartup() {
        return false;
    }

    @Override
    public int getPhase() {
        return LocalRouter.PHASE + 1;
    }

    private static Map<Target, Integer> rates(LocalRouter router, LocalProperties properties) {
        Map<Target, Integer> rates = new LinkedHashMap<>();
        router.targets().forEach(target -> rates.put(target, properties.syntheticLoad(target.environment())));
        return rates;
    }
}
