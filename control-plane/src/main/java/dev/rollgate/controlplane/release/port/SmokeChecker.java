package dev.rollgate.controlplane.release.port;

import java.util.List;

import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Track;
import reactor.core.publisher.Mono;

/** Calls each smoke path on one track directly (not through the router) and reports what failed. */
public interface SmokeChecker {

    /** The platform whose tracks it can reach. */
    String platform();

    Mono<SmokeResult> check(Target target, Track track, List<String> paths);

    record SmokeResult(int checked, List<String> failures) {
        public SmokeResult {
            failures = List.copyOf(failures);
        }

        public boolean passed() {
            return failures.isEmpty();
        }
    }
}
