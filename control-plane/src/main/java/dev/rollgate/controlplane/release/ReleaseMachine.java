package dev.rollgate.controlplane.release;

import static dev.rollgate.controlplane.release.ReleaseState.DEPLOYING;
import static dev.rollgate.controlplane.release.ReleaseState.PAUSED;
import static dev.rollgate.controlplane.release.ReleaseState.PROGRESSING;
import static dev.rollgate.controlplane.release.ReleaseState.ROLLING_BACK;

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

    /** {@code facts}: context recorded on the CREATED event, e.g. the synthetic load feeding the gates. */
    public static Decision create(UUID id, String application, String environment, Revision candidate,
                                  Revision previous, String commitSha, Plan plan, Placement placement, Actor actor,
                                  String reason, Instant now, Map<String, Object> facts) {
        Release release = new Release(id, application, environment, candidate, previous, commitSha, plan, placement,
                ReleaseState.PENDING, null, 0, 0, null, now, 0, 0, false, false, actor, now, 0);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("version", candidate.version());
        data.put("revision", candidate.digest());
        data.put("strategy", plan.strategy().name());
        data.put("previousVersion", previous == null ? "" : previous.version());
        data.put("candidateTrack", release.candidateTrack().id());
        data.put("platform", placement.platform());
        data.put("namespace", placement.namespace());
        data.putAll(facts);
        return new Decision(release, List.of(new ReleaseEvent(Type.CREATED, actor, reason, data, now)),
                List.of(), null);
    }

    public static Set<Need> wants(Release release, TrackStatus candidateStatus) {
        if (release.state() == DEPLOYING && release.plan().smoke() && candidateStatus != null
                && candidateStatus.serves(release.candidate().digest())) {
            return EnumSet.of(Need.SMOKE);
        }
        if (release.state() == PROGRESSING && release.plan().analysis()) {
            return EnumSet.of(Need.ANALYSIS);
        }
        return EnumSet.noneOf(Need.class);
    }

    /** What the platform must look like for this state; applying it again changes nothing. */
    public static List<Effect> desired(Release release) {
        return DesiredEffects.of(release);
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
                    : Decision.refused(release, "cannot promote a release that is " + describe(release)
                    + (state == DEPLOYING || state == ReleaseState.PENDING ? ": the candidate is not serving yet" : ""));
            case PAUSE -> state == PROGRESSING
                    ? transition(release.pausedFrom(PROGRESSING), PAUSED, now,
                    event(Type.PAUSED, command.actor(), reasonOr(command, "paused"), now, Map.of()))
                    : Decision.refused(release, state == PAUSED ? "release is already paused"
                    : "only a progressing release can be paused; it is " + state);
            case RESUME -> state == PAUSED
                    ? resume(release, command, now)
                    : Decision.refused(release, "only a paused release can be resumed; it is " + state);
            case ROLLBACK -> state == ROLLING_BACK
                    ? Decision.refused(release, "release is already rolling back")
                    : rollback(release, command.actor(), reasonOr(command, "rollback requested"), now, List.of());
            case ABORT -> abort(release, command, now);
        };
    }

    private static Decision abort(Release release, Command command, Instant now) {
        if (release.state() == ROLLING_BACK) {
            // A rollback that cannot finish would hold the target for ever; an admin may take it over by hand.
            if (!command.admin()) {
                return Decision.forbidden(release, "aborting a release that is rolling back needs the admin role: it"
                        + " leaves the platform as it is for a person to repair");
            }
            return handOver(release, ReleaseState.ABORTED, now, event(Type.ABORTED, command.actor(),
                    reasonOr(command, "rollback abandoned") + "; manual action needed: the platform is left as it is",
                    now, Map.of("manualActionNeeded", true)));
        }
        ReleaseState effective = release.state() == PAUSED ? release.pausedFrom() : release.state();
        boolean trafficUntouched = effective == ReleaseState.PENDING
                || (effective == DEPLOYING && release.plan().strategy().sideBySide());
        return trafficUntouched
                ? transition(release, ReleaseState.ABORTED, now,
                event(Type.ABORTED, command.actor(), reasonOr(command, "aborted"), now, Map.of()))
                : Decision.refused(release, "abort is only possible before traffic moves (release is "
                + describe(release) + "); use rollback instead");
    }

    public static Decision observe(Release release, Observation observation) {
        Instant now = observation.now();
        if (observation.error() != null) {
            return AdapterFaults.handle(release, observation.error(), now);
        }
        // A clean look at the platform ends a run of adapter errors; PROGRESSING also counts provider errors.
        Release r = release.state() != PROGRESSING && release.consecutiveErrors() > 0
                ? release.counting(release.failures(), 0) : release;
        return switch (r.state()) {
            case PENDING -> transition(r, DEPLOYING, now, event(Type.DEPLOYING, Actor.SYSTEM,
                    "deploying " + r.version() + " to the " + r.candidateTrack().id() + " track",
                    now, Map.of("track", r.candidateTrack().id(), "revision", r.candidate().digest())));
            case DEPLOYING -> deploying(r, observation);
            case PROGRESSING -> progressing(r, observation);
            case PROMOTING -> promoting(r, observation);
            case ROLLING_BACK -> rollingBack(r, observation);
            default -> Decision.unchanged(r);
        };
    }

    private static Decision deploying(Release release, Observation o) {
        TrackStatus candidate = o.status(release.candidateTrack());
        Instant now = o.now();
        if (candidate.failed()) {
            return ended(release, "candidate failed to start: " + candidate.describe(), now);
        }
        if (!candidate.serves(release.candidate().digest())) {
            Duration waited = Duration.between(release.stateChangedAt(), now);
            if (waited.compareTo(release.plan().readyTimeout()) > 0) {
                String detail = candidate.describe() == null ? "" : ": " + candidate.describe();
                return ended(release, "candidate not ready within " + release.plan().readyTimeout().toSeconds()
                        + " s" + detail, now);
            }
            return Decision.unchanged(release);
        }
        List<ReleaseEvent> events = new ArrayList<>();
        events.add(event(Type.CANDIDATE_READY, Actor.SYSTEM, release.version() + " is ready on the "
                + release.candidateTrack().id() + " track", now, Map.of("ready", candidate.available())));
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

    /**
     * The candidate never served. Beside the live track it simply ends FAILED and is retired; a rolling update has
     * already replaced live replicas, so the previous version is brought back and confirmed like any rollback.
     */
    private static Decision ended(Release release, String reason, Instant now) {
        if (!release.plan().strategy().sideBySide() && release.previous() != null) {
            return rollback(release, Actor.SYSTEM, reason, now, List.of());
        }
        return transition(release, ReleaseState.FAILED, now, event(Type.FAILED, Actor.SYSTEM, reason, now, Map.of()));
    }

    private static Decision progressing(Release release, Observation o) {
        Instant now = o.now();
        Plan plan = release.plan();
        if (!plan.analysis()) {
            return advance(release, now);
        }
        List<Measurement> ms = o.measurements();
        StableComparison.Judgement judged = StableComparison.judge(release, o);
        if (!judged.failed().isEmpty()) {
            return gateFailed(release, judged.failed(), now);
        }
        if (!judged.shared().isEmpty()) {
            return StableComparison.pause(release, judged.shared(), now);
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
            List<Measurement> unsure = ms.stream().filter(m -> m.verdict() != Verdict.PASS).toList();
            return transition(calm.pausedFrom(PROGRESSING), PAUSED, now, event(Type.PAUSED, Actor.SYSTEM,
                    InsufficientData.reason(release, unsure), now, InsufficientData.data(release, unsure)));
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
        TrackStatus base = o.status(release.baseTrack());
        if (base.serves(release.candidate().digest())) {
            // All traffic is on the promoted base now: the stored weight says so, not where the last step left it.
            Release done = release.atStep(release.step(), 100, release.stepStartedAt());
            return transition(done, ReleaseState.SUCCEEDED, now, event(Type.SUCCEEDED, Actor.SYSTEM,
                    release.version() + " is stable with 100 % of traffic", now, Map.of("weight", 100)));
        }
        boolean timedOut = Duration.between(release.stateChangedAt(), now).compareTo(release.plan().readyTimeout()) > 0;
        if (base.failed() || timedOut) {
            String why = base.failed() ? base.describe() : release.baseTrack().id() + " not ready within "
                    + release.plan().readyTimeout().toSeconds() + " s";
            return rollback(release, Actor.SYSTEM, "promotion failed: " + why, now, List.of());
        }
        return Decision.unchanged(release);
    }

    private static Decision rollingBack(Release release, Observation o) {
        Instant now = o.now();
        if (restored(release, o)) {
            String to = release.previous() == null ? "no version" : release.previous().version();
            return transition(release, ReleaseState.ROLLED_BACK, now, event(Type.ROLLED_BACK, Actor.SYSTEM,
                    "all traffic on " + to + " (" + release.baseTrack().id() + " track); candidate retired", now,
                    Map.of("live", release.baseTrack().id())));
        }
        if (AdapterFaults.restoreOverdue(release, now)) {
            TrackStatus base = o.status(release.baseTrack());
            String seen = base == null || base.describe() == null ? "" : " (" + base.describe() + ")";
            return AdapterFaults.restoreFailed(release, "previous version not restored within "
                    + release.plan().restoreTimeout().toSeconds() + " s" + seen, now);
        }
        return Decision.unchanged(release);
    }

    private static boolean restored(Release release, Observation o) {
        TrackStatus base = o.status(release.baseTrack());
        boolean baseBack = release.previous() == null
                ? base.scaledToZero()
                : base.serves(release.previous().digest());
        if (!release.plan().strategy().sideBySide()) {
            return baseBack;
        }
        Track other = release.baseTrack().other();
        return baseBack && o.weights().of(other) == 0 && o.status(other).scaledToZero();
    }

    private static Decision advance(Release release, Instant now) {
        int next = release.step() + 1;
        Plan plan = release.plan();
        if (plan.strategy() == Plan.Strategy.CANARY && next < plan.steps().size()) {
            return enterStep(release, next, now, List.of());
        }
        return promote(release, Actor.SYSTEM, plan.strategy() == Plan.Strategy.BLUE_GREEN
                ? "rollback window passed with every gate passing" : "all steps passed", now);
    }

    private static Decision enterStep(Release release, int step, Instant now, List<ReleaseEvent> before) {
        Plan plan = release.plan();
        int weight = plan.strategy().sideBySide() ? plan.steps().get(step) : 100;
        Release stepped = release.atStep(step, weight, now);
        List<ReleaseEvent> events = new ArrayList<>(before);
        if (plan.strategy() == Plan.Strategy.BLUE_GREEN) {
            Track live = release.candidateTrack();
            Instant until = now.plus(plan.stepDuration());
            events.add(event(Type.STEP_ADVANCED, Actor.SYSTEM, "switched all traffic to " + release.version()
                    + " on the " + live.id() + " colour; the " + release.baseTrack().id() + " colour stays on standby"
                    + " for rollback until " + until, now, Map.of("step", 1, "weight", 100, "live", live.id(),
                    "standby", release.baseTrack().id(), "standbyUntil", until.toString())));
        } else {
            events.add(event(Type.STEP_ADVANCED, Actor.SYSTEM, "step " + (step + 1) + " of " + plan.steps().size()
                    + ": " + weight + " % of traffic on " + release.version(), now,
                    Map.of("step", step + 1, "weight", weight)));
        }
        return new Decision(stepped, events, desired(stepped), null);
    }

    private static Decision promote(Release promoted, Actor actor, String reason, Instant now) {
        // Rollgate promotes only when the gates are done; anyone else cut the analysis short.
        Release release = actor.equals(Actor.SYSTEM) ? promoted : promoted.markPromotedByHand();
        Plan.Strategy strategy = release.plan().strategy();
        if (strategy == Plan.Strategy.BLUE_GREEN) {
            // Traffic is already on the new colour: promotion only lets the standby go, it never redeploys.
            Release done = release.atStep(release.step(), 100, release.stepStartedAt());
            return transition(done, ReleaseState.SUCCEEDED, now, event(Type.SUCCEEDED, actor, release.version()
                    + " is live on the " + release.candidateTrack().id() + " colour: " + reason + "; standby "
                    + release.baseTrack().id() + " colour scaled to zero", now,
                    marked(release, Map.of("weight", 100, "live", release.candidateTrack().id()))));
        }
        if (!strategy.sideBySide()) {
            Release done = release.atStep(release.step(), 100, release.stepStartedAt());
            return transition(done, ReleaseState.SUCCEEDED, now, event(Type.SUCCEEDED, actor,
                    release.version() + " is stable: " + reason, now, marked(release, Map.of("weight", 100))));
        }
        return transition(release, ReleaseState.PROMOTING, now, event(Type.PROMOTING, actor,
                reason + "; promoting " + release.version() + " to stable", now,
                marked(release, Map.of("weight", 100))));
    }

    /** The promotion's event says whether a person skipped analysis, so every reader of the log can tell. */
    private static Map<String, Object> marked(Release release, Map<String, Object> data) {
        if (!release.promotedByHand()) {
            return data;
        }
        Map<String, Object> withMark = new LinkedHashMap<>(data);
        withMark.put("promotedByHand", true);
        return withMark;
    }

    private static Decision resume(Release release, Command command, Instant now) {
        Release resumed = release.counting(release.failures(), 0).atStep(release.step(), release.weight(), now);
        return transition(resumed, release.pausedFrom(), now,
                event(Type.RESUMED, command.actor(), reasonOr(command, "resumed"), now, Map.of()));
    }

    static Decision rollback(Release release, Actor actor, String reason, Instant now, List<ReleaseEvent> before) {
        List<ReleaseEvent> events = new ArrayList<>(before);
        events.add(event(Type.ROLLBACK_STARTED, actor, reason, now, Map.of(
                "to", release.previous() == null ? "" : release.previous().version())));
        Release next = release.moveTo(ROLLING_BACK, now);
        return new Decision(next, events, desired(next), null);
    }

    static Decision transition(Release release, ReleaseState next, Instant now, ReleaseEvent event) {
        Release moved = release.moveTo(next, now);
        return new Decision(moved, List.of(event), desired(moved), null);
    }

    /** Ends the release without touching the platform again: a person takes it from here. */
    static Decision handOver(Release release, ReleaseState end, Instant now, ReleaseEvent event) {
        return new Decision(release.moveTo(end, now).markFinalized(), List.of(event), List.of(), null);
    }

    static ReleaseEvent event(Type type, Actor actor, String reason, Instant at, Map<String, Object> data) {
        return new ReleaseEvent(type, actor, reason, data, at);
    }

    private static String describe(Release release) {
        return release.state() == PAUSED ? "PAUSED (from " + release.pausedFrom() + ")" : release.state().name();
    }

    private static String reasonOr(Command command, String fallback) {
        return command.reason() == null || command.reason().isBlank() ? fallback : command.reason();
    }
}
