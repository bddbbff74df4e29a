package dev.rollgate.controlplane.release.port;

import java.util.Map;

/** Facts about a target worth recording when a release of it starts (e.g. synthetic load feeding its gates). */
public interface TargetFacts {

    Map<String, Object> facts(Target target);
}
