package dev.rollgate.controlplane.platform.local.proxy;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.platform.local.LocalBackends;
import dev.rollgate.controlplane.release.Track;

/** What the local workloads would report, set by the test. */
final class FakeBackends implements LocalBackends {

    private final Map<Track, Backend> serving = new ConcurrentHashMap<>();

    void serve(Track track, int port, String version) {
        serving.put(track, new Backend(port, version));
    }

    void serve(Track track, FakeBackend backend) {
        serve(track, backend.port(), backend.version);
    }

    void clear() {
        serving.clear();
    }

    @Override
    public Optional<Backend> backend(Target target, Track track) {
        return Optional.ofNullable(serving.get(track));
    }
}
