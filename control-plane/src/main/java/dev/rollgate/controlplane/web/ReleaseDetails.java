package dev.rollgate.controlplane.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.Command;
import dev.rollgate.controlplane.release.Plan;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseMachine;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.StableComparison;
import dev.rollgate.controlplane.policy.RelativePolicy;
import dev.rollgate.controlplane.release.persistence.EventRepository.StoredEvent;

/** Everything the release page shows, derived from the stored release, its events and its measurements. */
public record ReleaseDetails(Release release, List<StoredEvent> events, List<Measurement> gates,
                             List<Command.Type> allowed, List<Step> steps, boolean confirmByName, Instant now,
                             RelativePolicy relative) {

    /** Keys whose values are not shown: a configuration entry is often a credential handed to the workload. */
    private static final java.util.regex.Pattern SECRET_KEY =
            java.util.regex.Pattern.compile("SECRET|TOKEN|PASSWORD|KEY", java.util.regex.Pattern.CASE_INSENSITIVE);
    static final String MASK = "***";

    public record Step(String label, int weight, boolean done, boolean current) {
    }

    public static ReleaseDetails of(Release release, List<StoredEvent> events, List<Measurement> measurements,
                                    boolean confirmByName, boolean admin) {
        return of(release, events, measurements, confirmByName, admin, Instant.now());
    }

    public static ReleaseDetails of(Release release, List<StoredEvent> events, List<Measurement> measurements,
                                    boolean confirmByName, boolean admin, Instant now) {
        return of(release, events, measurements, confirmByName, admin, now, RelativePolicy.OFF);
    }

    /** {@code relative}: the environment's comparison of candidate with stable, as the machine applies it. */
    public static ReleaseDetails of(Release release, List<StoredEvent> events, List<Measurement> measurements,
                                    boolean confirmByName, boolean admin, Instant now, RelativePolicy relative) {
        return new ReleaseDetails(release, events, latestPerGate(measurements), allowed(release, admin), steps(release),
                confirmByName, now, relative);
    }

    /** One gate: the candidate's latest reading beside stable's, and what comparing them says. */
    public record GateRow(Measurement candidate, Measurement stable, String comparison, boolean candidateWorse) {
    }

    /** The candidate's gates in order, each with stable's reading of the same gate when there is one. */
    public List<GateRow> gateRows() {
        String candidateTrack = release.candidateTrack().id();
        String baseTrack = release.baseTrack().id();
        boolean compared = StableComparison.applies(release, relative);
        List<GateRow> rows = new ArrayList<>();
        for (Measurement m : gates) {
            if (!m.track().equals(candidateTrack)) {
                continue;
            }
            Measurement stable = gates.stream().filter(b -> b.gate() == m.gate() && b.track().equals(baseTrack))
                    .findFirst().orElse(null);
            StableComparison.Finding finding = compared ? StableComparison.finding(m, stable, relative)
                    : StableComparison.Finding.ALONE;
            rows.add(new GateRow(m, stable, comparison(finding, compared), finding
                    == StableComparison.Finding.WORSE));
        }
        return rows;
    }

    private String comparison(StableComparison.Finding finding, boolean compared) {
        String margin = String.format(java.util.Locale.ROOT, "%.2f", relative.margin() * 100) + " points";
        return switch (finding) {
            case WORSE -> "worse than stable by more than " + margin;
            case STABLE_FAILING_TOO -> "stable is failing too";
            case WITHIN_MARGIN -> "within " + margin + " of stable";
            case UNDECIDED -> "not yet decided";
            case ALONE -> compared ? "no stable data: judged alone" : "not compared";
        };
    }

    /** The candidate's configuration in key order, values of secret-looking keys masked. */
    public List<Map.Entry<String, String>> config() {
        return release.candidate().config().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), SECRET_KEY.matcher(e.getKey()).find() ? MASK : e.getValue()))
                .toList();
    }

    /** Time left in the current step while the release is on it, "paused" while paused; null otherwise. */
    public String timeLeft() {
        return timeLeft(release, now);
    }

    static String timeLeft(Release release, Instant now) {
        if (release.state() == ReleaseState.PAUSED) {
            return "paused";
        }
        if (release.state() != ReleaseState.PROGRESSING || release.stepStartedAt() == null) {
            return null;
        }
        java.time.Duration left = java.time.Duration.between(now,
                release.stepStartedAt().plus(release.plan().stepDuration()));
        return Fmt.duration(left.isNegative() ? java.time.Duration.ZERO : left);
    }

    /** Who ended the analysis early: the actor of the person's PROMOTING event; null unless promoted by hand. */
    public Actor promotedBy() {
        if (!release.promotedByHand()) {
            return null;
        }
        Actor by = null;
        for (StoredEvent e : events) {
            if (e.event().type() == dev.rollgate.controlplane.release.ReleaseEvent.Type.PROMOTING
                    && e.event().actor().kind() != Actor.Kind.SYSTEM) {
                by = e.event().actor();
            }
        }
        return by;
    }

    /** Why the release is paused: the reason of its latest PAUSED event; null when it is not paused. */
    public String pauseReason() {
        if (release.state() != ReleaseState.PAUSED) {
            return null;
        }
        String reason = null;
        for (StoredEvent e : events) {
            if (e.event().type() == dev.rollgate.controlplane.release.ReleaseEvent.Type.PAUSED) {
                reason = e.event().reason();
            }
        }
        return reason;
    }

    /** What the state machine would accept now from this viewer; the buttons show exactly these (the server checks again). */
    static List<Command.Type> allowed(Release release, boolean admin) {
        List<Command.Type> allowed = new ArrayList<>();
        for (Command.Type type : Command.Type.values()) {
            if (!ReleaseMachine.command(release, new Command(type, Actor.SYSTEM, null, admin), Instant.EPOCH)
                    .refusedCommand()) {
                allowed.add(type);
            }
        }
        return allowed;
    }

    static List<Measurement> latestPerGate(List<Measurement> measurements) {
        Map<String, Measurement> latest = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            latest.put(m.gate().id() + "/" + m.track(), m);
        }
        return List.copyOf(latest.values());
    }

    private static List<Step> steps(Release r) {
        List<Step> steps = new ArrayList<>();
        if (r.plan().strategy() == Plan.Strategy.ROLLING) {
            steps.add(new Step("replace, one instance at a time, then analyse", 100, r.state().terminal(),
                    r.state().active()));
            return steps;
        }
        List<Integer> weights = r.plan().steps();
        // step is the index of the step traffic is on; before the first one the weight is still 0.
        boolean onSteps = r.state() == ReleaseState.PROGRESSING || r.state() == ReleaseState.PAUSED;
        boolean allDone = r.state() == ReleaseState.PROMOTING || r.state() == ReleaseState.SUCCEEDED;
        for (int i = 0; i < weights.size(); i++) {
            boolean current = onSteps && r.weight() > 0 && r.step() == i;
            boolean done = allDone || (r.weight() > 0 && r.step() > i);
            String label = r.plan().strategy() == Plan.Strategy.BLUE_GREEN ? "switch, hold for the rollback window"
                    : "step " + (i + 1);
            steps.add(new Step(label, weights.get(i), done, current));
        }
        return steps;
    }

    public String liveEvent() {
        return LiveStream.releaseEvent(release.id());
    }

    public boolean can(String command) {
        return allowed.stream().anyMatch(t -> t.name().equalsIgnoreCase(command));
    }

    /** The stored weight is where the last step left it (a SUCCEEDED release stores 100); a rollback takes it all. */
    public int candidateWeight() {
        return switch (release.state()) {
            case ROLLING_BACK, ROLLED_BACK, ABORTED, FAILED -> 0;
            default -> release.weight();
        };
    }

    public boolean blueGreen() {
        return release.plan().strategy() == Plan.Strategy.BLUE_GREEN;
    }

    private ReleaseState effectiveState() {
        return release.state() == ReleaseState.PAUSED ? release.pausedFrom() : release.state();
    }

    /** Blue-green: the colour (track) that has the traffic now, with the version it runs. */
    public String liveColour() {
        String previous = release.previous() == null ? "none" : release.previous().version();
        return switch (effectiveState()) {
            case PROGRESSING, PROMOTING, SUCCEEDED -> release.candidateTrack().id() + " (" + release.version() + ")";
            default -> release.baseTrack().id() + " (" + previous + ")";
        };
    }

    /** Blue-green: what the other colour is doing. */
    public String otherColour() {
        String previous = release.previous() == null ? "none" : release.previous().version();
        return switch (effectiveState()) {
            case PENDING, DEPLOYING -> release.candidateTrack().id() + " (" + release.version()
                    + "): idle, reachable through the preview route (header canary: true)";
            case PROGRESSING, PROMOTING -> release.baseTrack().id() + " (" + previous
                    + "): standby, a rollback switches back to it";
            case SUCCEEDED -> release.baseTrack().id() + ": standby scaled to zero";
            default -> release.candidateTrack().id() + ": retired";
        };
    }

    /** Blue-green: when the standby goes away, while it is kept; null otherwise. */
    public java.time.Instant standbyUntil() {
        ReleaseState s = effectiveState();
        return blueGreen() && (s == ReleaseState.PROGRESSING) && release.stepStartedAt() != null
                ? release.stepStartedAt().plus(release.plan().stepDuration()) : null;
    }

    public int stableWeight() {
        return release.plan().strategy().sideBySide() ? 100 - candidateWeight() : 0;
    }

    public String channel() {
        return release.startedBy().kind().name().toLowerCase(java.util.Locale.ROOT);
    }
}
