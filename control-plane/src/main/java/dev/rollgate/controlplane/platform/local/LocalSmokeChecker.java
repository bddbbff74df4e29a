package dev.rollgate.controlplane.platform.local;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.SmokeChecker;
import dev.rollgate.controlplane.release.port.Target;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Calls each smoke path through the target's front door with {@code canary: true}, the preview route: the request
 * takes the same proxy path users will, yet reaches only the idle track. An answer from any other track (the
 * preview is not routed yet) is a failed check, never a pass on the old version's behalf.
 */
@Component
public class LocalSmokeChecker implements SmokeChecker {

    /** Per path; a smoke path that takes longer than this has failed (the check's whole budget is a tick's). */
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final LocalBackends backends;
    private final ObjectProvider<LocalRouter> router;
    private final ReadinessProbe http;

    public LocalSmokeChecker(LocalBackends backends, ObjectProvider<LocalRouter> router, ReadinessProbe http) {
        this.backends = backends;
        this.router = router;
        this.http = http;
    }

    @Override
    public String platform() {
        return "local";
    }

    @Override
    public Mono<SmokeResult> check(Target target, Track track, List<String> paths) {
        if (backends.backend(target, track).isEmpty()) {
            // The machine asks only once the candidate serves: it went away in between, which says nothing yet.
            return Mono.error(AdapterException.transientError("no ready " + track.id() + " instance of "
                    + target.key() + " to check"));
        }
        Optional<Integer> front = Optional.ofNullable(router.getIfAvailable()).flatMap(r -> r.frontPort(target));
        if (front.isEmpty()) {
            return Mono.error(AdapterException.transientError("the local proxy of " + target.key()
                    + " is not listening, so its preview route cannot be checked"));
        }
        int port = front.get();
        return Flux.fromIterable(paths)
                .concatMap(path -> http.preview(port, path, TIMEOUT)
                        .map(answer -> verdict(path, track, answer))
                        .onErrorResume(e -> timedOut(e)
                                ? Mono.just("GET " + path + " took longer than " + TIMEOUT.toSeconds() + " s")
                                : Mono.error(AdapterException.transientError("the preview route of " + target.key()
                                + " could not be reached for GET " + path + ": " + describe(e)))))
                .filter(failure -> !failure.isEmpty())
                .collectList()
                .map(failures -> new SmokeResult(paths.size(), failures));
    }

    private static String verdict(String path, Track track, ReadinessProbe.Preview answer) {
        if (!track.id().equals(answer.track())) {
            return "GET " + path + " through the preview route was answered by the "
                    + (answer.track() == null ? "proxy itself" : answer.track() + " track") + ", not the "
                    + track.id() + " track";
        }
        return answer.status() >= 200 && answer.status() < 300 ? "" : "GET " + path + " answered " + answer.status();
    }

    /** A candidate that is too slow has failed; a proxy that cannot be reached has not been checked. */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            boolean slowAnswer = t instanceof java.net.http.HttpTimeoutException
                    && !(t instanceof java.net.http.HttpConnectTimeoutException);
            if (slowAnswer || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
