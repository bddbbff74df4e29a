package dev.rollgate.controlplane.release;

import static dev.rollgate.controlplane.release.ReleaseState.DEPLOYING;
import static dev.rollgate.controlplane.release.ReleaseState.PAUSED;
import static dev.rollgate.controlplane.release.ReleaseState.PROGRESSING;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.Effect.ApplyTrack;
import dev.rollgate.controlplane.release.Effect.Route;
import dev.rollgate.controlplane.release.Effect.ScaleToZero;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;

/**
 * The release state machine: a pure function of (release, one command or observation) with the time passed in.
 * No I/O and no clock, so every transition is a table test. Effects are level-triggered: {@link #desired}
 * derives them from the state alone, which lets the reconciler repair a crash by applying them again.
 */
public final class ReleaseMachine {

    /** Extra readings the reconciler must take before calling {@link #observe}. */
    public enum Need { SMOKE, ANALYSIS }

    private ReleaseMachine() {
    }

    public static Decision create(UUID id, String application, String environment, Revision candidate,
                                  Revision previous, String commitSha, Plan plan, Actor actor, String reason,
                                  Instant now) {
        return create(id, application, environment, candidate, previous, commitSha, plan, actor, reason, now, Map.of());
    }

    /** {@code facts}: context recorded on the CREATED event, e.g. the synthetic load feeding the gates. */
    public static Decision create(UUID id, String application, String environment, Revision candidate,
                                  Revision previous, String commitSha, Plan plan, Actor actor, String reason,
                                  Instant now, Map<String, Object> facts) {
        Release release = new Release(id, application, environment, candidate, previous, commitSha, plan,
                ReleaseState.PENDING, null, 0, 0, null, now, 0, 0, false, actor, now, 0);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("version", candidate.version());
        data.put("strategy", plan.strategy().name());
        data.put("previousVersion", previous == null ? "" : previous.version());
        data.putAll(facts);
        return new Decision(release, List.of(new ReleaseEvent(Type.CREATED, actor, reason, data, now)),
                List.of(), null);
    }

    public static Set<Need> wants(Release release, TrackStatus candidateStatus) {
        if (release.state() == DEPLOYING && release.plan().smoke() && candidateStatus != null
                && candidateStatus.serves(release.version())) {
            return EnumSet.of(Need.SMOKE);
        }
        if (release.state() == PROGRESSING && release.plan().analysis()) {
            return EnumSet.of(Need.ANALYSIS);
        }
        return EnumSet.noneOf(Need.class);
    }

    /** What the platform must look like for this state; applying it again changes nothing. */
    public static List<Effect> desired(Release release) {
        boolean side = release.plan().strategy().sideBySide();
        ReleaseState state = release.state() == PAUSED ? release.pausedFrom() : release.state();
        Revision candidate = release.candidate();
        return switch (state) {
            case PENDING -> List.of();
            case DEPLOYING -> side
                    ? List.of(new ApplyTrack(Track.CANARY, candidate), new Route(Weights.ALL_STABLE))
                    : List.of(new ApplyTrack(Track.STABLE, candidate));
            case PROGRESSING -> side
                    ? List.of(new ApplyTrack(Track.CANARY, candidate), new Route(Weights.canary(release.weight())))
                    : List.of(new ApplyTrack(Track.STABLE, candidate));
            case PROMOTING -> List.of(new ApplyTrack(Track.STABLE, candidate),
                    new Route(Weights.canary(release.weight())));
            case SUCCEEDED -> side
                    ? List.of(new Route(Weights.ALL_STABLE), new ScaleToZero(Track.CANARY))
                    : List.of();
            case ROLLING_BACK, ROLLED_BACK, ABORTED, FAILED -> restore(release);
            case PAUSED -> throw new IllegalStateException("paused release without pausedFrom: " + release.id());
        };
    }

    private static List<Effect> restore(Release release) {
        List<Effect> effects = new ArrayList<>();
        effects.add(release.previous() == null
                ? new ScaleToZero(Track.STABLE)
                : new ApplyTrack(Track.STABLE, release.previous()));
        if (release.plan().strategy().sideBySide()) {
            effects.add(new Route(Weights.ALL_STABLE));
            effects.add(new ScaleToZero(Track.CANARY));
        }
        return effects;
    }

    public static Decision command(Release release, Command command, Instant now) {
        ReleaseState state = release.state();
        String verb = command.type().name().toLowerCase(java.util.Locale.ROOT);
        if (state.terminal()) {
            return Decision.refused(release, "release is " + state + "; there is nothing to " + verb);
        }
        boolean progressing = state == PROGRESSING || (state == PAUSED && release.pausedFrom() == PROGRESSING);
        return switch (command.type()) {
            case PROMOTE -> progressing
                    ? promote(release, command.actor(), reasonOr(command, "promoted: remaining steps skipped"), now)
                    : Decision.refused(release, "cannot promote a release that is " + state
                    + (state == DEPLOYING || state == ReleaseState.PENDING ? ": the candidate is not serving yet" : ""));
            case PAUSE -> state == PROGRESSING
                    ? transition(release.pausedFrom(PROGRESSING), PAUSED, now,
                    event(Type.PAUSED, command.actor(), reasonOr(command, "paused"), now, Map.of()))
                    : Decision.refused(release, state == PAUSED ? "release is already paused"
                    : "only a progressing release can be paused; it is " + state);
            case RESUME -> state == PAUSED
                    ? resume(release, command, now)
                    : Decision.refused(release, "only a paused release can be resumed; it is " + state);
            case ROLLBACK -> state == ReleaseState.ROLLING_BACK
                    ? Decision.refused(release, "release is already rolling back")
                    : rollback(release, command.actor(), reasonOr(command, "rollback requested"), now, List.of());
            case ABORT -> abortable(release)
                    ? transition(release, ReleaseState.ABORTED, now,
                    event(Type.ABORTED, command.actor(), reasonOr(command, "aborted"), now, Map.of()))
                    : Decision.refused(release, "abort is only possible before traffic moves (release is "
                    + state + "); use rollback instead");
        };
    }

    public static Decision observe(Release release, Observation observation) {
        Instant now = observation.now();
        return switch (release.state()) {
            case PENDING -> transition(release, DEPLOYING, now, event(Type.DEPLOYING, Actor.SYSTEM,
                    "deploying " + release.version() + " to the " + release.plan().candidateTrack().id() + " track",
                    now, Map.of("track", release.plan().candidateTrack().id())));
            case DEPLOYING -> deploying(release, observation);
            case PROGRESSING -> progressing(release, observation);
            case PROMOTING -> promoting(release, observation);
            case ROLLING_BACK -> restored(release, observation)
                    ? transition(release, ReleaseState.ROLLED_BACK, now, event(Type.ROLLED_BACK, Actor.SYSTEM,
                    "all traffic on " + (release.previous() == null ? "no version" : release.previous().version())
                            + "; candidate retired", now, Map.of()))
                    : Decision.unchanged(release);
            default -> Decision.unchanged(release);
        };
    }

    private static Decision deploying(Release release, Observation o) {
        TrackStatus candidate = o.status(release.plan().candidateTrack());
        Instant now = o.now();
        if (candidate.failed()) {
            return transition(release, ReleaseState.FAILED, now, event(Type.FAILED, Actor.SYSTEM,
                    "candidate failed to start: " + candidate.message(), now, Map.of()));
        }
        if (!candidate.serves(release.version())) {
            Duration waited = Duration.between(release.stateChangedAt(), now);
            if (waited.compareTo(release.plan().readyTimeout()) > 0) {
                String detail = candidate.message() == null ? "" : ": " + candidate.message();
                return transition(release, ReleaseState.FAILED, now, event(Type.FAILED, Actor.SYSTEM,
                        "candidate not ready within " + release.plan().readyTimeout().toSeconds() + " s" + detail,
                        now, Map.of()));
            }
            return Decision.unchanged(release);
        }
        List<ReleaseEvent> events = new ArrayList<>();
        events.add(event(Type.CANDIDATE_READY, Actor.SYSTEM, release.version() + " is ready", now,
                Map.of("ready", candidate.ready())));
        if (release.plan().smoke()) {
            if (o.smoke() == null) {
                return Decision.unchanged(release);
            }
            if (!o.smoke().passed()) {
                events.add(event(Type.SMOKE_FAILED, Actor.SYSTEM, "smoke checks failed: "
                        + String.join("; ", o.smoke().failures()), now, Map.of("failures", o.smoke().failures())));
                return rollback(release, Actor.SYSTEM, "gate smoke failed", now, events);
            }
            events.add(event(Type.SMOKE_PASSED, Actor.SYSTEM, o.smoke().checked() + " smoke checks passed", now,
                    Map.of("checked", o.smoke().checked())));
        }
        Release progressing = release.moveTo(PROGRESSING, now);
        return enterStep(progressing, 0, now, events);
    }

    private static Decision progressing(Release release, Observation o) {
        Instant now = o.now();
        Plan plan = release.plan();
        if (!plan.analysis()) {
            return advance(release, now);
        }
        List<Measurement> ms = o.measurements();
        List<Measurement> failed = ms.stream().filter(m -> m.verdict() == Verdict.FAIL).toList();
        if (!failed.isEmpty()) {
            return gateFailed(release, failed, now);
        }
        List<Measurement> errors = ms.stream().filter(m -> m.verdict() == Verdict.ERROR).toList();
        if (!errors.isEmpty()) {
            int consecutive = release.consecutiveErrors() + 1;
            if (consecutive >= plan.errorLimit()) {
                String reason = "metrics provider failed " + consecutive + " times in a row: "
                        + errors.get(0).describe();
                return transition(release.counting(release.failures(), consecutive).pausedFrom(PROGRESSING),
                        PAUSED, now, event(Type.PAUSED, Actor.SYSTEM, reason, now, Map.of("errors", consecutive)));
            }
            return Decision.unchanged(release.counting(release.failures(), consecutive));
        }
        Release calm = release.counting(release.failures(), 0);
        Duration held = Duration.between(release.stepStartedAt(), now);
        boolean allPass = !ms.isEmpty() && ms.stream().allMatch(m -> m.verdict() == Verdict.PASS);
        if (allPass && held.compareTo(plan.stepDuration()) >= 0) {
            return advance(calm, now);
        }
        if (!allPass && held.compareTo(plan.stepDuration().plus(plan.inconclusiveGrace())) >= 0) {
            List<String> unsure = ms.stream().filter(m -> m.verdict() != Verdict.PASS).map(Measurement::describe)
                    .toList();
            return transition(calm.pausedFrom(PROGRESSING), PAUSED, now, event(Type.PAUSED, Actor.SYSTEM,
                    "insufficient data: " + String.join("; ", unsure), now, Map.of()));
        }
        return Decision.unchanged(calm);
    }

    private static Decision gateFailed(Release release, List<Measurement> failed, Instant now) {
        int failures = release.failures() + 1;
        List<ReleaseEvent> events = new ArrayList<>();
        for (Measurement m : failed) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("gate", m.gate().id());
            data.put("value", m.value() == null ? "" : m.value());
            data.put("threshold", m.threshold());
            data.put("bad", m.bad());
            data.put("sampleSize", m.total());
            data.put("track", m.track());
            events.add(event(Type.GATE_FAILED, Actor.SYSTEM, m.describe(), now, data));
        }
        Release counted = release.counting(failures, 0);
        if (failures <= release.plan().failureLimit()) {
            return new Decision(counted, events, List.of(), null);
        }
        return rollback(counted, Actor.SYSTEM, "gate " + failed.get(0).describe(), now, events);
    }

    private static Decision promoting(Release release, Observation o) {
        Instant now = o.now();
        if (o.stable().serves(release.version())) {
            return transition(release, ReleaseState.SUCCEEDED, now, event(Type.SUCCEEDED, Actor.SYSTEM,
                    release.version() + " is stable with 100 % of traffic", now, Map.of("weight", 100)));
        }
        boolean timedOut = Duration.between(release.stateChangedAt(), now).compareTo(release.plan().readyTimeout()) > 0;
        if (o.stable().failed() || timedOut) {
            String why = o.stable().failed() ? o.stable().message() : "stable not ready within "
                    + release.plan().readyTimeout().toSeconds() + " s";
            return rollback(release, Actor.SYSTEM, "promotion failed: " + why, now, List.of());
        }
        return Decision.unchanged(release);
    }

    private static boolean restored(Release release, Observation o) {
        boolean stableBack = release.previous() == null
                ? o.stable().scaledToZero()
                : o.stable().serves(release.previous().version());
        if (!release.plan().strategy().sideBySide()) {
            return stableBack;
        }
        return stableBack && o.weights() != null && o.weights().canary() == 0 && o.canary().scaledToZero();
    }

    private static Decision advance(Release release, Instant now) {
        int next = release.step() + 1;
        Plan plan = release.plan();
        if (plan.strategy().sideBySide() && next < plan.steps().size()) {
            return enterStep(release, next, now, List.of());
        }
        return promote(release, Actor.SYSTEM, "all steps passed", now);
    }

    private static Decision enterStep(Release release, int step, Instant now, List<ReleaseEvent> before) {
        int weight = release.plan().strategy().sideBySide() ? release.plan().steps().get(step) : 100;
        Release stepped = release.atStep(step, weight, now);
        List<ReleaseEvent> events = new ArrayList<>(before);
        events.add(event(Type.STEP_ADVANCED, Actor.SYSTEM, "step " + (step + 1) + " of "
                + release.plan().steps().size() + ": " + weight + " % of traffic on " + release.version(), now,
                Map.of("step", step + 1, "weight", weight)));
        return new Decision(stepped, events, desired(stepped), null);
    }

    private static Decision promote(Release release, Actor actor, String reason, Instant now) {
        if (!release.plan().strategy().sideBySide()) {
            Release done = release.atStep(release.step(), 100, release.stepStartedAt());
            return transition(done, ReleaseState.SUCCEEDED, now, event(Type.SUCCEEDED, actor,
                    release.version() + " is stable: " + reason, now, Map.of("weight", 100)));
        }
        return transition(release, ReleaseState.PROMOTING, now, event(Type.PROMOTING, actor,
                reason + "; promoting " + release.version() + " to stable", now, Map.of("weight", 100)));
    }

    private static Decision resume(Release release, Command command, Instant now) {
        Release resumed = release.counting(release.failures(), 0).atStep(release.step(), release.weight(), now);
        return transition(resumed, release.pausedFrom(), now,
                event(Type.RESUMED, command.actor(), reasonOr(command, "resumed"), now, Map.of()));
    }

    private static Decision rollback(Release release, Actor actor, String reason, Instant now,
                                     List<ReleaseEvent> before) {
        List<ReleaseEvent> events = new ArrayList<>(before);
        events.add(event(Type.ROLLBACK_STARTED, actor, reason, now, Map.of(
                "to", release.previous() == null ? "" : release.previous().version())));
        Release next = release.moveTo(ReleaseState.ROLLING_BACK, now);
        return new Decision(next, events, desired(next), null);
    }

    private static boolean abortable(Release release) {
        return release.state() == ReleaseState.PENDING
                || (release.state() == DEPLOYING && release.plan().strategy().sideBySide());
    }

    private static Decision transition(Release release, ReleaseState next, Instant now, ReleaseEvent event) {
        Release moved = release.moveTo(next, now);
        return new Decision(moved, List.of(event), desired(moved), null);
    }

    private static ReleaseEvent event(Type type, Actor actor, String reason, Instant at, Map<String, Object> data) {
        return new ReleaseEvent(type, actor, reason, data, at);
    }

    private static String reasonOr(Command command, String fallback) {
        return command.reason() == null || command.reason().isBlank() ? fallback : command.reason();
    }
}
