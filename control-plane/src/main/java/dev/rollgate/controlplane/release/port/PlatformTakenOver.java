package dev.rollgate.controlplane.release.port;

/**
 * Published (as a Spring application event) by a platform this replica has just taken over from another one: the
 * engine restores its targets as it does after a start. Lets the platform ask without calling into the engine.
 */
public record PlatformTakenOver(RestoredOnStart platform) {
}
