package dev.rollgate.controlplane.support;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;

/**
 * An in-memory platform that outlives any one control plane (like a real cluster would), scripted per version:
 * how it starts, what its gates read, whether its smoke checks pass. It logs every change it is asked to make —
 * only changes, so a repeated idempotent effect leaves no trace and a duplicated one shows up.
 */
public final class ScriptedWorld {

    public static final ScriptedWorld INSTANCE = new ScriptedWorld();

    /** How a version behaves. {@code gates} may throw to simulate a provider error. */
    public record Behaviour(boolean startsReady, boolean failsToStart, Function<GateKind, Sample> gates,
                            List<String> smokeFailures) {
    }

    public static final Function<GateKind, Sample> HEALTHY = gate -> new Sample(0, 200, 0.0);

    private final Map<String, Map<Track, TrackStatus>> tracks = new ConcurrentHashMap<>();
    private final Map<String, Revision> revisions = new ConcurrentHashMap<>();
    private final Map<String, Weights> weights = new ConcurrentHashMap<>();
    /** What Rollgate last routed, to tell a change made behind its back. */
    private final Map<String, Weights> written = new ConcurrentHashMap<>();
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final List<Change> changes = new ArrayList<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final java.util.Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Map<String, String> trafficHints = new ConcurrentHashMap<>();
    private final Map<String, String> unavailable = new ConcurrentHashMap<>();

    public record Change(String target, String what, String instance) {
    }

    private ScriptedWorld() {
    }

    public void script(String version, Behaviour behaviour) {
        behaviours.put(version, behaviour);
    }

    /** What the scripted platform answers when asked how {@code target} could get more traffic. */
    public void offerMoreTraffic(String target, String hint) {
        trafficHints.put(target, hint);
    }

    /** The scripted platform says it cannot take releases of {@code target} for {@code reason}; null clears it. */
    public void makeUnavailable(String target, String reason) {
        if (reason == null) {
            unavailable.remove(target);
        } else {
            unavailable.put(target, reason);
        }
    }

    java.util.Optional<String> unavailable(String target) {
        return java.util.Optional.ofNullable(unavailable.get(target));
    }

    java.util.Optional<String> moreTraffic(String target) {
        return java.util.Optional.ofNullable(trafficHints.get(target));
    }

    public void scriptHealthy(String version) {
        script(version, new Behaviour(true, false, HEALTHY, List.of()));
    }

    Behaviour behaviour(String version) {
        return behaviours.getOrDefault(version, new Behaviour(true, false, HEALTHY, List.of()));
    }

    synchronized void apply(String target, Track track, Revision revision, String instance) {
        Map<Track, TrackStatus> byTrack = tracks.computeIfAbsent(target, k -> new EnumMap<>(Track.class));
        TrackStatus current = byTrack.getOrDefault(track, TrackStatus.absent());
        String key = target + "/" + track;
        if (current.desired() > 0 && revision.equals(revisions.get(key))) {
            return;
        }
        Behaviour b = behaviour(revision.version());
        TrackStatus next = b.failsToStart()
                ? new TrackStatus(revision.digest(), revision.version(), 1, 1, 0, 0, true,
                new TrackStatus.Failure("CrashLoopBackOff", "exit code 1: boom"), null)
                : running(revision, b.startsReady());
        byTrack.put(track, next);
        revisions.put(key, revision);
        changes.add(new Change(target, "apply " + track.id() + " " + revision.version(), instance));
    }

    synchronized void scaleToZero(String target, Track track, String instance) {
        Map<Track, TrackStatus> byTrack = tracks.computeIfAbsent(target, k -> new EnumMap<>(Track.class));
        if (byTrack.getOrDefault(track, TrackStatus.absent()).scaledToZero()) {
            return;
        }
        byTrack.put(track, TrackStatus.absent());
        revisions.remove(target + "/" + track);
        changes.add(new Change(target, "scale " + track.id() + " 0", instance));
    }

    synchronized void route(String target, Weights w, String instance) {
        written.put(target, w);
        if (w.equals(weights.getOrDefault(target, Weights.ALL_STABLE))) {
            return;
        }
        weights.put(target, w);
        changes.add(new Change(target, "route " + w.stable() + "/" + w.canary(), instance));
    }

    public synchronized TrackStatus status(String target, Track track) {
        return tracks.getOrDefault(target, Map.of()).getOrDefault(track, TrackStatus.absent());
    }

    /** Makes a track that was started not-ready become ready, as a slow process would. */
    public synchronized void markReady(String target, Track track) {
        Map<Track, TrackStatus> byTrack = tracks.get(target);
        TrackStatus s = byTrack.get(track);
        byTrack.put(track, running(revisions.get(target + "/" + track), true));
    }

    private static TrackStatus running(Revision revision, boolean ready) {
        return new TrackStatus(revision.digest(), revision.version(), 1, 1, ready ? 1 : 0, ready ? 1 : 0, true, null,
                ready ? null : "starting");
    }

    /** The next {@code times} calls of {@code operation} on {@code target} fail (-1: until cleared). */
    public synchronized void fail(String target, String operation, boolean permanent, int times) {
        faults.put(target + "#" + operation, new Fault(permanent, times));
    }

    public synchronized void clearFaults() {
        faults.clear();
        silent.clear();
    }

    /** {@code operation} on {@code target} answers nothing at all (an empty reply) until cleared. */
    public synchronized void answerNothing(String target, String operation) {
        silent.add(target + "#" + operation);
    }

    synchronized boolean silent(String target, String operation) {
        return silent.contains(target + "#" + operation);
    }

    /** Throws the scripted fault, if any, for one call; operations: apply, status, scale, route, weights, smoke. */
    synchronized void maybeFail(String target, String operation) {
        Fault f = faults.get(target + "#" + operation);
        if (f == null || f.times == 0) {
            return;
        }
        if (f.times > 0) {
            faults.put(target + "#" + operation, new Fault(f.permanent, f.times - 1));
        }
        throw new AdapterException(f.permanent, "scripted " + (f.permanent ? "refusal" : "outage") + " of "
                + operation + " on " + target, null);
    }

    private record Fault(boolean permanent, int times) {
    }

    /** Someone else (a GitOps sync, {@code kubectl edit}) sets the weights, behind Rollgate's back. */
    public synchronized void editBehindRollgate(String target, Weights w) {
        weights.put(target, w);
    }

    synchronized java.util.Optional<String> foreignChange(String target) {
        Weights mine = written.get(target);
        Weights found = weights.getOrDefault(target, Weights.ALL_STABLE);
        return mine == null || mine.equals(found) ? java.util.Optional.empty()
                : java.util.Optional.of("weights were " + found.stable() + "/" + found.canary() + " where Rollgate set "
                + mine.stable() + "/" + mine.canary());
    }

    public synchronized Weights weights(String target) {
        return weights.getOrDefault(target, Weights.ALL_STABLE);
    }

    public String versionOf(String target, Track track) {
        return status(target, track).version();
    }

    public synchronized List<String> changes(String target) {
        return changes.stream().filter(c -> c.target().equals(target)).map(Change::what).toList();
    }

    public synchronized List<Change> allChanges(String target) {
        return changes.stream().filter(c -> c.target().equals(target)).toList();
    }
}
