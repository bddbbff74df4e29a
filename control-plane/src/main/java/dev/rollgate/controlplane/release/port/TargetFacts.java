package dev.rollgate.controlplane.release.port;

import java.util.Map;

/** Facts about a target worth recording when a release of it starts (e.g. synthetic load feeding its gates). */
public interface TargetFacts {

    /** Pure read of local knowledge, no I/O; an empty map when there is nothing to say. */
    Map<String, Object> facts(Target target);
}
