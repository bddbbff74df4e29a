package dev.rollgate.controlplane.release;

import dev.rollgate.controlplane.policy.GateKind;

import dev.rollgate.controlplane.analysis.GateMath;

import dev.rollgate.controlplane.analysis.Verdict;

import dev.rollgate.controlplane.analysis.Measurement;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.policy.AnalysisPolicy;
import dev.rollgate.controlplane.policy.GateSpec;
import dev.rollgate.controlplane.release.Track;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads every gate of a track from the environment's provider and turns the counts into verdicts. */
@Component
public class GateEvaluator {

    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

    private final Clock clock;

    public GateEvaluator(Clock clock) {
        this.clock = clock;
    }

    public Mono<List<Measurement>> evaluate(MetricsProvider provider, AnalysisPolicy policy, Target target,
                                            Track track, String version) {
        return Flux.fromIterable(policy.gates())
                // In parallel, in order: a slow provider costs one query timeout per tick, not one per gate.
                .flatMapSequential(gate -> measure(provider, policy, gate, target, track, version))
                .collectList();
    }

    private Mono<Measurement> measure(MetricsProvider provider, AnalysisPolicy policy, GateSpec gate, Target target,
                                      Track track, String version) {
        GateQuery query = new GateQuery(target, track, version, gate.kind(), gate.window(), gate.latencyThreshold());
        double threshold = displayThreshold(gate);
        return Mono.defer(() -> provider.sample(query))
                .timeout(QUERY_TIMEOUT)
                .map(sample -> new Measurement(gate.kind(), track.id(), displayValue(gate, sample), threshold,
                        sample.bad(), sample.total(),
                        GateMath.verdict(sample.bad(), sample.total(), gate.maxShare(), gate.minSample(),
                                policy.confidence()),
                        null, clock.instant(), gate.minSample(), gate.window(), null))
                .defaultIfEmpty(new Measurement(gate.kind(), track.id(), null, threshold, 0, 0,
                        Verdict.INCONCLUSIVE, "no data", clock.instant(), gate.minSample(), gate.window(), null))
                .onErrorResume(e -> Mono.just(new Measurement(gate.kind(), track.id(), null, threshold, 0, 0,
                        Verdict.ERROR, provider.name() + ": " + describe(e), clock.instant())));
    }

    private static String describe(Throwable e) {
        if (e instanceof java.util.concurrent.TimeoutException) {
            return "no answer within " + QUERY_TIMEOUT.toSeconds() + " s";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static double displayThreshold(GateSpec gate) {
        return gate.kind() == GateKind.LATENCY ? gate.latencyThreshold().toMillis() : gate.maxShare() * 100;
    }

    private static Double displayValue(GateSpec gate, Sample sample) {
        if (sample.display() != null || gate.kind() == GateKind.LATENCY) {
            return sample.display();
        }
        return sample.total() == 0 ? null : 100.0 * sample.bad() / sample.total();
    }
}
