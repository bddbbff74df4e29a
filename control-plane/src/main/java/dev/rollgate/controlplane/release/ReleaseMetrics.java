package dev.rollgate.controlplane.release;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.policy.RollgateProperties;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;

/**
 * Rollgate's own meters on {@code /actuator/prometheus}. Release, gate and rollback figures are derived from what
 * was committed (the release and the events of one write), so each is counted once, by the replica that wrote it.
 * Tags stay bounded: application, environment, result, gate and verdict only — never a version or a release id.
 */
@Component
public class ReleaseMetrics {

    private static final Logger log = LoggerFactory.getLogger(ReleaseMetrics.class);

    static final Set<Type> ENDS = EnumSet.of(Type.SUCCEEDED, Type.ROLLED_BACK, Type.ABORTED, Type.FAILED);
    /** What starts a rollback's clock: the first failing reading, or the rollback itself when none failed. */
    private static final Set<Type> FIRST_FAILURE = EnumSet.of(Type.GATE_FAILED, Type.SMOKE_FAILED);

    private final MeterRegistry registry;
    private final EventRepository events;
    private final Duration interval;
    private final Timer ticks;
    private final Counter overruns;
    private final Set<UUID> leases = ConcurrentHashMap.newKeySet();
    private final Map<Key, AtomicInteger> weights = new ConcurrentHashMap<>();

    @Autowired
    public ReleaseMetrics(MeterRegistry registry, EventRepository events, Policies policies,
                          RollgateProperties properties) {
        this(registry, events, properties.reconcileInterval());
        // Every configured target shows 0 from the start, so "no canary" is a value rather than a missing series.
        for (Application app : policies.applications()) {
            for (Environment env : policies.environments()) {
                weight(new Key(app.name(), env.name()));
            }
        }
    }

    ReleaseMetrics(MeterRegistry registry, EventRepository events, Duration interval) {
        this.registry = registry;
        this.events = events;
        this.interval = interval;
        this.ticks = Timer.builder("rollgate.tick.duration")
                .description("one reconcile tick of one release, lease held")
                .serviceLevelObjectives(ms(50), ms(100), ms(250), ms(500), ms(1000), ms(2500), ms(5000), ms(10000))
                .register(registry);
        this.overruns = Counter.builder("rollgate.tick.overruns")
                .description("ticks that took longer than the reconcile interval").register(registry);
        Gauge.builder("rollgate.leases.held", leases, Set::size)
                .description("release leases this replica holds").register(registry);
    }

    /** Fed after each commit with the release as written and the events written with it. */
    public void committed(Release saved, List<ReleaseEvent> written) {
        weight(new Key(saved.application(), saved.environment())).set(candidateWeight(saved));
        for (ReleaseEvent event : written) {
            if (ENDS.contains(event.type())) {
                ended(saved, event);
            }
        }
    }

    /** The candidate's gate readings of one tick (baseline readings are for display and are not judged). */
    public void evaluated(List<Measurement> measurements) {
        for (Measurement m : measurements) {
            Counter.builder("rollgate.gate.evaluations").description("gate readings judged, by verdict")
                    .tag("gate", m.gate().id()).tag("verdict", m.verdict().name())
                    .register(registry).increment();
        }
    }

    /** Times one tick, cancelled (timed out) or not. */
    public Mono<Void> timed(Mono<Void> tick) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return tick.doFinally(s -> ticked(Duration.ofNanos(System.nanoTime() - started)));
        });
    }

    void ticked(Duration took) {
        ticks.record(took);
        if (took.compareTo(interval) > 0) {
            overruns.increment();
        }
    }

    /** The answer of one lease acquisition for {@code id}. */
    public void lease(UUID id, boolean held) {
        if (held) {
            leases.add(id);
        } else {
            leases.remove(id);
        }
    }

    /** This replica let all its leases go. */
    public void leasesReleased() {
        leases.clear();
    }

    /**
     * The unsettled releases as one reconcile pass read them, on every replica: a settled release's lease is gone,
     * and a weight written by another replica is seen here too.
     */
    public void unsettled(List<Release> unsettled) {
        Set<UUID> ids = unsettled.stream().map(Release::id).collect(Collectors.toSet());
        leases.retainAll(ids);
        Map<Key, Integer> current = unsettled.stream().collect(Collectors.toMap(
                r -> new Key(r.application(), r.environment()), ReleaseMetrics::candidateWeight, Math::max));
        weights.forEach((key, gauge) -> gauge.set(current.getOrDefault(key, 0)));
        current.forEach((key, w) -> weight(key).set(w));
    }

    /** The weight routed to the candidate's own track; rolling updates have none, a rollback is taking it away. */
    static int candidateWeight(Release r) {
        boolean routed = r.state().active() && r.state() != ReleaseState.ROLLING_BACK
                && r.plan().strategy().sideBySide();
        return routed ? r.weight() : 0;
    }

    private void ended(Release saved, ReleaseEvent end) {
        String result = end.type().name();
        Counter.builder("rollgate.releases").description("releases ended, by result")
                .tag("application", saved.application()).tag("environment", saved.environment())
                .tag("result", result).register(registry).increment();
        Timer.builder("rollgate.release.duration").description("from a release's creation to its end")
                .tag("application", saved.application()).tag("environment", saved.environment())
                .tag("result", result)
                .serviceLevelObjectives(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
                        Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3))
                .register(registry).record(nonNegative(saved.createdAt(), end.at()));
        if (end.type() == Type.ROLLED_BACK) {
            rolledBack(saved, end.at());
        }
    }

    /** The failing reading was written by an earlier commit, maybe on another replica: the event log has it. */
    private void rolledBack(Release saved, Instant restored) {
        events.list(saved.id())
                .map(EventRepository.StoredEvent::event)
                .collectList()
                .mapNotNull(ReleaseMetrics::rollbackCause)
                .subscribe(first -> Timer.builder("rollgate.rollback")
                                .description("from the first failing reading to all traffic back on stable")
                                .tag("application", saved.application()).tag("environment", saved.environment())
                                .serviceLevelObjectives(Duration.ofSeconds(5), Duration.ofSeconds(15),
                                        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
                                        Duration.ofMinutes(5))
                                .register(registry).record(nonNegative(first.at(), restored)),
                        e -> log.warn("rollback time of release {} not recorded: {}", saved.id(), e.toString()));
    }

    /**
     * The failing reading that started the last rollback (the GATE_FAILED / SMOKE_FAILED just before its
     * ROLLBACK_STARTED), or the ROLLBACK_STARTED itself when a person or a fault started it. An earlier failure the
     * release recovered from is not the cause.
     */
    public static ReleaseEvent rollbackCause(List<ReleaseEvent> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).type() == Type.ROLLBACK_STARTED) {
                int cause = i;
                while (cause > 0 && FIRST_FAILURE.contains(history.get(cause - 1).type())) {
                    cause--;
                }
                return history.get(cause);
            }
        }
        return null;
    }

    private AtomicInteger weight(Key key) {
        return weights.computeIfAbsent(key, k -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("rollgate.canary.weight", value, AtomicInteger::get)
                    .description("percent of traffic routed to the candidate; 0 when none")
                    .tag("application", k.application()).tag("environment", k.environment()).register(registry);
            return value;
        });
    }

    private static Duration nonNegative(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private record Key(String application, String environment) {
    }
}
