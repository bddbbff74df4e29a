package dev.rollgate.controlplane.platform.kubernetes;

import dev.rollgate.controlplane.policy.DeliveryPolicy;
import dev.rollgate.controlplane.release.Track;

/**
 * How many replicas a track's Deployment should have, and the canary count that approximates a traffic weight by
 * replica ratio. Pure: every input is read by the caller.
 */
public final class Replicas {

    /** A canary never outgrows its base by more than this factor, nor this many pods, whatever the weight. */
    static final int MAX_FACTOR = 4;
    static final int MAX_REPLICAS = 50;

    private Replicas() {
    }

    /**
     * The replica count {@code track}'s Deployment should have once written.
     * <ul>
     * <li>A Deployment that runs ({@code current > 0}) keeps its count: someone owns it then — its HPA, the
     *     {@code service} router's replica ratio, an operator's {@code kubectl scale} — and a changed policy applies
     *     from the next time the track is created or brought back from zero.</li>
     * <li>An HPA on the Deployment gives its minReplicas when the track is created or brought back from zero. That is
     *     the only write Rollgate makes to an HPA-owned count: at zero the HPA disables itself and would never scale
     *     the track up again.</li>
     * <li>Otherwise the environment's strategy decides. Canary: the candidate runs beside the live track, and a canary
     *     release folds back onto its base, so the CANARY track is the one beside ({@code canaryReplicas}, or with
     *     {@code mirrorHpaMinimum} the minReplicas of the STABLE track's HPA) and STABLE the live one
     *     ({@code replicas}). This holds for every sequence the engine asks for — the CANARY track created beside a
     *     running STABLE; STABLE updated in place on promotion (it runs, so it keeps its count); a first release
     *     creating CANARY first and STABLE at promotion — and costs no look at the other track. Blue-green: either
     *     colour takes all traffic at the switch, so both run {@code replicas}; rolling: {@code replicas}. No known
     *     policy ({@code null}): {@code replicas}.</li>
     * </ul>
     * A canary release started while the live version is on the CANARY track (the environment left blue-green)
     * sizes its candidate STABLE track as live ({@code replicas}): too many pods, never too few.
     *
     * @param current        the Deployment's {@code spec.replicas}, null when it does not exist yet
     * @param ownHpaMinimum  minReplicas of the HPA targeting this Deployment, null when none does
     * @param liveHpaMinimum minReplicas of the HPA targeting the STABLE track's Deployment, null when none does
     */
    public static int desired(DeliveryPolicy policy, Track track, Integer current, Integer ownHpaMinimum,
                              Integer liveHpaMinimum, int replicas, int canaryReplicas, boolean mirrorHpaMinimum) {
        if (current != null && current > 0) {
            return current;
        }
        if (ownHpaMinimum != null) {
            return Math.max(1, ownHpaMinimum);
        }
        if (policy instanceof DeliveryPolicy.Canary && track == Track.CANARY) {
            return mirrorHpaMinimum && liveHpaMinimum != null ? Math.max(1, liveHpaMinimum) : canaryReplicas;
        }
        return replicas;
    }

    /**
     * The candidate's replicas whose share of all pods approximates {@code weight} % beside {@code baseReplicas}:
     * {@code max(1, round(base × w / (100 − w)))}, at most {@code base × 4} and 50. At least one pod, so a small
     * weight on a small base overshoots (10 % beside 4 pods is 1 of 5: 20 %).
     *
     * @param weight the candidate's weight, 1..99
     */
    public static int forWeight(int baseReplicas, int weight) {
        if (weight <= 0 || weight >= 100) {
            throw new IllegalArgumentException("a replica ratio needs a weight within 1..99, got " + weight);
        }
        int base = Math.max(0, baseReplicas);
        long wanted = Math.round(base * (double) weight / (100 - weight));
        int cap = Math.max(1, Math.min(MAX_REPLICAS, base * MAX_FACTOR));
        return (int) Math.max(1, Math.min(cap, wanted));
    }

    /**
     * The candidate's share in percent of {@code candidate + base} pods, 0..100; a share that exists is never
     * rounded away (1 pod beside 300 is 1 %, not 0).
     */
    public static int share(int candidate, int base) {
        int c = Math.max(0, candidate);
        int b = Math.max(0, base);
        if (c == 0) {
            return 0;
        }
        if (b == 0) {
            return 100;
        }
        long percent = Math.round(100.0 * c / (c + b));
        return (int) Math.max(1, Math.min(99, percent));
    }
}
