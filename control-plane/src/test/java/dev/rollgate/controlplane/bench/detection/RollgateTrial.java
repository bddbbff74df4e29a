package dev.rollgate.controlplane.bench.detection;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.Decision;
import dev.rollgate.controlplane.release.Effect;
import dev.rollgate.controlplane.release.GateEvaluator;
import dev.rollgate.controlplane.release.Observation;
import dev.rollgate.controlplane.policy.RelativePolicy;
import dev.rollgate.controlplane.release.Placement;
import dev.rollgate.controlplane.release.Plans;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseMachine;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.SmokeChecker.SmokeResult;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrackStatus;

/**
 * One release through the real machine, the way the reconciler runs it: every simulated second (the shipped
 * reconcile interval) build an {@link Observation} as {@code ObservationCollector} does — both tracks serving,
 * the weights last routed, the real {@link GateEvaluator} reading the simulated provider when
 * {@link ReleaseMachine#wants} asks for analysis — call {@link ReleaseMachine#observe} and apply the decision's
 * route. Platform effects are instant here: the benchmark measures detection, not the platform.
 */
final class RollgateTrial {

    private static final Revision PREVIOUS = new Revision("1.0.0", "ghcr.io/rollgate-demo/video-api:1.0.0", Map.of());
    private static final Revision CANDIDATE = new Revision("1.1.0", "ghcr.io/rollgate-demo/video-api:1.1.0", Map.of());
    private static final SmokeResult SMOKE_PASSED = new SmokeResult(2, List.of());
    private static final TrackStatus STABLE = serving(PREVIOUS);
    private static final TrackStatus CANARY = serving(CANDIDATE);

    private RollgateTrial() {
    }

    /** The environment as shipped: absolute gates and, where its policy says so, the comparison with stable. */
    static Outcome run(Environment env, Simulation sim, int horizonSeconds) {
        return run(env, sim, horizonSeconds, true);
    }

    /** {@code compareWithStable} false: the absolute gates alone, as before relative gates existed. */
    static Outcome run(Environment env, Simulation sim, int horizonSeconds, boolean compareWithStable) {
        GateEvaluator gates = new GateEvaluator(sim.clock());
        Target target = new Target("video-api", env.name(), env.namespace());
        Placement placement = new Placement(env.platform(), env.router(), sim.metrics().name(), env.namespace(),
                Track.STABLE);
        Release release = ReleaseMachine.create(UUID.nameUUIDFromBytes(env.name().getBytes()), "video-api",
                env.name(), CANDIDATE, PREVIOUS, null, Plans.plan(env, true, false), placement, Actor.SYSTEM,
                "detection benchmark", sim.clock().instant(), Map.of()).release();
        Weights weights = Weights.ALL_STABLE;
        while (sim.now() < horizonSeconds) {
            Set<ReleaseMachine.Need> needs = ReleaseMachine.wants(release, CANARY);
            List<Measurement> measurements = needs.contains(ReleaseMachine.Need.ANALYSIS)
                    ? gates.evaluate(sim.metrics(), env.analysis(), target, Track.CANARY, release.version()).block()
                    : List.of();
            // As ObservationCollector: the same gates read on stable beside the candidate's, on the same window.
            List<Measurement> baseline = needs.contains(ReleaseMachine.Need.ANALYSIS)
                    ? gates.evaluate(sim.metrics(), env.analysis(), target, Track.STABLE, PREVIOUS.version()).block()
                    : List.of();
            SmokeResult smoke = needs.contains(ReleaseMachine.Need.SMOKE) ? SMOKE_PASSED : null;
            Decision decision = ReleaseMachine.observe(release, new Observation(sim.clock().instant(), STABLE, CANARY,
                    weights, measurements, smoke, null, baseline,
                    compareWithStable ? env.analysis().relative() : RelativePolicy.OFF));
            release = decision.release();
            for (Effect effect : decision.effects()) {
                if (effect instanceof Effect.Route route) {
                    weights = route.weights();
                }
            }
            if (release.state() == ReleaseState.ROLLING_BACK) {
                if (weights.canary() != 0) {
                    throw new IllegalStateException("ROLLING_BACK without routing all traffic to stable: " + weights);
                }
                return Outcome.rolledBack(sim.now() - sim.firstBad());
            }
            if (release.state() == ReleaseState.PROMOTING || release.state() == ReleaseState.SUCCEEDED) {
                return Outcome.of(Outcome.Result.PROMOTED);
            }
            if (release.state() == ReleaseState.PAUSED) {
                return Outcome.of(Outcome.Result.PAUSED);
            }
            if (release.state().terminal()) {
                throw new IllegalStateException("release ended " + release.state() + " in the simulation");
            }
            sim.advance(weights.canary());
        }
        return Outcome.of(Outcome.Result.UNDECIDED);
    }

    private static TrackStatus serving(Revision revision) {
        return new TrackStatus(revision.digest(), revision.version(), 1, 1, 1, 1, true, null, null);
    }
}
