package dev.rollgate.controlplane.release.port;

import java.util.List;

import dev.rollgate.controlplane.release.Track;
import reactor.core.publisher.Mono;

/**
 * Calls each smoke path on one track through the target's preview route ({@code canary: true}), so no user sees a
 * failing candidate. A path that answers badly is a failed check; a checker that cannot check at all errors.
 */
public interface SmokeChecker {

    /** The platform whose tracks it can reach. */
    String platform();

    /** Not idempotent in effect (it sends requests) but safe to repeat; errors mean "could not check", not "failed". */
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
