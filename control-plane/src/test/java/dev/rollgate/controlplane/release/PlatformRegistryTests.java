package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.port.Workloads;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Asking a platform whether it can take a release: its answer, bounded, and doubt counted as "no". */
class PlatformRegistryTests {

    private static final Target TARGET = new Target("video-api", "prod", "video-prod");

    private static Workloads platform(String name, Function<Target, Mono<Optional<String>>> unavailable) {
        return new Workloads() {
            @Override
            public String platform() {
                return name;
            }

            @Override
            public Mono<Void> apply(Target target, Track track, Revision revision) {
                return Mono.empty();
            }

            @Override
            public Mono<TrackStatus> status(Target target, Track track) {
                return Mono.just(TrackStatus.absent());
            }

            @Override
            public Mono<Void> scaleToZero(Target target, Track track) {
                return Mono.empty();
            }

            @Override
            public Mono<Optional<String>> unavailable(Target target) {
                return unavailable.apply(target);
            }
        };
    }

    private static Mono<Optional<String>> ask(Workloads workloads, String platform) {
        PlatformRegistry registry = new PlatformRegistry(List.of(workloads), List.of(), List.of(), mock(Policies.class));
        return registry.unavailable(new Placement(platform, "r", "m", "video-prod", Track.STABLE), TARGET);
    }

    @Test
    void thePlatformsOwnReasonIsPassedOn() {
        Workloads down = platform("kubernetes", t -> Mono.just(Optional.of("namespace " + t.namespace()
                + " does not exist")));

        assertThat(ask(down, "kubernetes").block()).contains("namespace video-prod does not exist");
        assertThat(ask(platform("kubernetes", t -> Mono.just(Optional.empty())), "kubernetes").block()).isEmpty();
        assertThat(ask(platform("kubernetes", t -> Mono.empty()), "kubernetes").block()).isEmpty();
    }

    @Test
    void aPlatformThatCannotSayIsUnavailable() {
        Workloads failing = platform("kubernetes", t -> Mono.error(AdapterException.transientError("boom")));

        assertThat(ask(failing, "kubernetes").block())
                .contains("it could not say whether it can take a release: boom");
    }

    @Test
    void aPlatformThatDoesNotAnswerIsUnavailableAfterTheBound() {
        StepVerifier.withVirtualTime(() -> ask(platform("kubernetes", t -> Mono.never()), "kubernetes"))
                .expectSubscription()
                .expectNoEvent(PlatformRegistry.AVAILABILITY_TIMEOUT.minus(Duration.ofMillis(1)))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(Optional.of("it did not say within 5 s whether it can take a release"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aMissingPlatformIsLeftToTheMissingCheck() {
        assertThat(ask(platform("kubernetes", t -> Mono.error(new AssertionError("not asked"))), "local").block())
                .isEmpty();
    }
}
