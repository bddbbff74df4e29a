package dev.rollgate.controlplane.release.port;

import java.util.Map;

/** Facts about a target worth recording when a release of it starts (e.g. synthetic load feeding its gates). */
public interface TargetFacts {

    /** Pure read of local knowledge, no I/O; an empty map when there is nothing to say. */
    Map<String, Object> facts(Target target);

    /**
     * How the platform itself could send {@code target} more traffic when a step waits for samples (e.g. "turn on
     * synthetic load: rollgate.local.synthetic-load.staging"), or empty when it has no way of its own. Pure read.
     */
    default java.util.Optional<String> moreTraffic(Target target) {
        return java.util.Optional.empty();
    }
}
