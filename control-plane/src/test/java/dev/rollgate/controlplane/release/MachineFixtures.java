package dev.rollgate.controlplane.release;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.release.port.SmokeChecker.SmokeResult;
import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.Effect.ApplyTrack;
import dev.rollgate.controlplane.release.Effect.Route;
import dev.rollgate.controlplane.release.Effect.ScaleToZero;

/** Builders for machine tests, and a pure model of a platform that carries out effects instantly. */
final class MachineFixtures {

    static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");
    static final Revision OLD = new Revision("1.0.0", null, Map.of());
    static final Revision NEW = new Revision("1.1.0", null, Map.of("FEATURE_X", "on"));
    static final Actor ALICE = new Actor(Actor.Kind.CONSOLE, "alice");

    private MachineFixtures() {
    }

    static Plan plan(Plan.Strategy strategy) {
        List<Integer> steps = strategy == Plan.Strategy.CANARY ? List.of(5, 25, 50) : List.of(100);
        return new Plan(strategy, steps, Duration.ofSeconds(30), Duration.ofSeconds(30), 0, 4,
                Duration.ofMinutes(2), Duration.ofMinutes(5), true, true);
    }

    static final Placement PLACEMENT = new Placement("scripted", "scripted", "scripted", "default", Track.STABLE);

    static Release pending(Plan.Strategy strategy) {
        return pending(plan(strategy), Track.STABLE);
    }

    static Release pending(Plan plan, Track base) {
        return ReleaseMachine.create(UUID.randomUUID(), "video-api", "staging", NEW, OLD, null, plan,
                new Placement("scripted", "scripted", "scripted", "default", base), ALICE, null, T0, Map.of())
                .release();
    }

    /** Every desired replica of {@code revision} up and available. */
    static TrackStatus running(Revision revision) {
        return new TrackStatus(revision.digest(), revision.version(), 1, 1, 1, 1, true, null, null);
    }

    /** Asked to run {@code revision}, not ready yet. */
    static TrackStatus starting(Revision revision, String message) {
        return new TrackStatus(revision.digest(), revision.version(), 1, 1, 0, 0, true, null, message);
    }

    static Measurement m(GateKind gate, Verdict verdict) {
        return new Measurement(gate, "canary", 1.0, 5.0, verdict == Verdict.FAIL ? 9 : 0, 100, verdict,
                verdict == Verdict.ERROR ? "timeout" : null, T0);
    }

    static List<Measurement> all(Verdict verdict) {
        return List.of(m(GateKind.ERROR_RATE, verdict), m(GateKind.LATENCY, verdict), m(GateKind.HEALTH, verdict));
    }

    /** A platform where every effect takes hold at once. */
    static final class Platform {
        final Map<Track, TrackStatus> tracks = new EnumMap<>(Track.class);
        Weights weights = Weights.ALL_STABLE;
        final List<Effect> applied = new ArrayList<>();

        Platform() {
            this(Track.STABLE);
        }

        /** {@code OLD} live on {@code base} with all the traffic. */
        Platform(Track base) {
            tracks.put(base, running(OLD));
            tracks.put(base.other(), TrackStatus.absent());
            weights = Weights.all(base);
        }

        void apply(List<Effect> effects) {
            for (Effect e : effects) {
                applied.add(e);
                if (e instanceof ApplyTrack a) {
                    tracks.put(a.track(), running(a.revision()));
                } else if (e instanceof Route r) {
                    weights = r.weights();
                } else {
                    tracks.put(((ScaleToZero) e).track(), TrackStatus.absent());
                }
            }
        }

        Observation see(Instant now, List<Measurement> ms, SmokeResult smoke) {
            return new Observation(now, tracks.get(Track.STABLE), tracks.get(Track.CANARY), weights, ms, smoke);
        }
    }

    static final SmokeResult SMOKE_OK = new SmokeResult(2, List.of());

    /** Drives a release with passing gates until it reaches {@code state} (or fails the test). */
    static Release driveTo(Release r, ReleaseState state, Platform platform) {
        Instant now = T0;
        for (int i = 0; i < 50 && r.state() != state; i++) {
            now = now.plusSeconds(31);
            Decision d = ReleaseMachine.observe(r, platform.see(now, all(Verdict.PASS), SMOKE_OK));
            platform.apply(d.effects());
            r = d.release();
        }
        if (r.state() != state) {
            throw new AssertionError("could not reach " + state + ", stuck in " + r.state());
        }
        return r;
    }
}
