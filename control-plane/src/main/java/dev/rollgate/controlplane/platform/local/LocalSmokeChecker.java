package dev.rollgate.controlplane.platform.local;

import java.time.Duration;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.SmokeChecker;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Track;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Calls each smoke path on the track's own process, bypassing the proxy: no user sees a failing candidate. */
@Component
public class LocalSmokeChecker implements SmokeChecker {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final LocalBackends backends;
    private final ReadinessProbe http;

    public LocalSmokeChecker(LocalBackends backends, ReadinessProbe http) {
        this.backends = backends;
        this.http = http;
    }

    @Override
    public String platform() {
        return "local";
    }

    @Override
    public Mono<SmokeResult> check(Target target, Track track, List<String> paths) {
        var backend = backends.backend(target, track);
        if (backend.isEmpty()) {
            return Mono.just(new SmokeResult(0, List.of("no ready " + track.id() + " instance to check")));
        }
        int port = backend.get().port();
        return Flux.fromIterable(paths)
                .concatMap(path -> http.status(port, path, TIMEOUT)
                        .map(status -> status >= 200 && status < 300 ? "" : "GET " + path + " answered " + status)
                        .onErrorResume(e -> Mono.just("GET " + path + " failed: " + describe(e))))
                .filter(failure -> !failure.isEmpty())
                .collectList()
                .map(failures -> new SmokeResult(paths.size(), failures));
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
