package dev.rollgate.controlplane.platform.local;

import java.util.Optional;

import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Track;

/** Where each track of a target is served right now: kept by the local workloads, read by the proxy. */
public interface LocalBackends {

    /** The ready instance serving {@code track}, or empty when none is. */
    Optional<Backend> backend(Target target, Track track);

    record Backend(int port, String version) {
    }
}
