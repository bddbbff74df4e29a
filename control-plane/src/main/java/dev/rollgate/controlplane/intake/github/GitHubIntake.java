package dev.rollgate.controlplane.intake.github;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.intake.github.QueueRepository.Queued;
import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.NewRelease;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import reactor.core.publisher.Mono;

/**
 * Starts the release a delivery asks for, or queues it behind the active one. The idempotency key names the
 * delivery, so a queued commit started later, or by two replicas at once, is still started only once.
 */
@Component
public class GitHubIntake {

    private static final Logger log = LoggerFactory.getLogger(GitHubIntake.class);

    private final ReleaseService releases;
    private final QueueRepository queue;
    private final ReleaseRepository stored;
    private final Clock clock;

    public GitHubIntake(ReleaseService releases, QueueRepository queue, ReleaseRepository stored, Clock clock) {
        this.releases = releases;
        this.queue = queue;
        this.stored = stored;
        this.clock = clock;
    }

    /** The HTTP answer to a delivery: 201 with the release, or 202 with why nothing started (yet). */
    public record Outcome(int status, Map<String, Object> body) {

        static Outcome accepted(String reason) {
            return new Outcome(202, Map.of("reason", reason));
        }
    }

    public static String key(String deliveryId, String application, String environment) {
        return "github:" + deliveryId + ":" + application + ":" + environment;
    }

    public Mono<Outcome> start(String deliveryId, Intent.Start s) {
        NewRelease request = new NewRelease(s.application(), s.environment(), s.version(), null, s.commitSha(),
                Map.of());
        return releases.create(request, s.actor(), s.reason(), key(deliveryId, s.application(), s.environment()))
                .flatMap(created -> stored.recordCommitTime(created.release().id(), s.committedAt())
                        .thenReturn(started(created.release())))
                .onErrorResume(ReleaseProblem.class, problem -> {
                    if (!isActiveConflict(problem)) {
                        return Mono.just(Outcome.accepted("not started: " + problem.getMessage()));
                    }
                    Queued q = new Queued(s.application(), s.environment(), s.version(), s.commitSha(), deliveryId,
                            s.actor().identity(), s.reason(), clock.instant(), s.committedAt());
                    return queue.put(q).thenReturn(Outcome.accepted("queued " + s.version() + ": release "
                            + problem.extra().get("activeRelease") + " (" + problem.extra().get("activeVersion")
                            + ", " + problem.extra().get("activeState") + ") is active for " + s.application()
                            + " in " + s.environment() + "; the newest queued commit starts when it ends"));
                });
    }

    /** Starts a queued commit; it stays queued while the target is still busy. */
    public Mono<Void> startQueued(Queued q) {
        NewRelease request = new NewRelease(q.application(), q.environment(), q.version(), null, q.commitSha(),
                Map.of());
        return releases.create(request, new Actor(Actor.Kind.GITHUB, q.actor()), q.reason() + " (queued)",
                        key(q.deliveryId(), q.application(), q.environment()))
                .flatMap(c -> stored.recordCommitTime(c.release().id(), q.committedAt()).thenReturn(c))
                .doOnNext(c -> log.info("started queued {} of {} in {} as release {}", q.version(), q.application(),
                        q.environment(), c.release().id()))
                .then(queue.remove(q))
                .onErrorResume(ReleaseProblem.class, problem -> {
                    if (isActiveConflict(problem)) {
                        return Mono.empty();
                    }
                    log.warn("dropping queued {} of {} in {}: {}", q.version(), q.application(), q.environment(),
                            problem.getMessage());
                    return queue.remove(q);
                });
    }

    private static boolean isActiveConflict(ReleaseProblem problem) {
        return problem.kind() == ReleaseProblem.Kind.CONFLICT && problem.extra().containsKey("activeRelease");
    }

    private static Outcome started(Release r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", r.id().toString());
        body.put("application", r.application());
        body.put("environment", r.environment());
        body.put("version", r.version());
        return new Outcome(201, body);
    }
}
