package dev.rollgate.controlplane.notify.github;

import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Callable;

import org.kohsuke.github.GHDeploymentState;
import org.kohsuke.github.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.notify.github.GitHubProperties;
import dev.rollgate.controlplane.release.port.Notifier;
import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.policy.RollgateProperties;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Mirrors a release onto a GitHub Deployment: created with the release, in_progress while it rolls out, then
 * success, failure or error. Calls for one release run strictly one after another (GitHub shows the latest
 * status, so order matters: the outbox hands them over one at a time per release), each retried with backoff, and
 * none of it is awaited by the release itself.
 */
@Component
@ConditionalOnExpression("'${rollgate.github.token:}' != ''")
public class GitHubDeploymentNotifier implements Notifier {

    private static final Logger log = LoggerFactory.getLogger(GitHubDeploymentNotifier.class);
    private static final int MAX_DESCRIPTION = 140;

    private final GitHubDeployments github;
    private final DeploymentLinks links;
    private final Policies policies;
    private final GitHubProperties properties;
    private final String consoleUrl;
    private final Clock clock;

    public GitHubDeploymentNotifier(GitHubProperties properties, RollgateProperties rollgate, DeploymentLinks links,
                                    Policies policies, Clock clock) {
        this.github = new GitHubDeployments(properties.apiUrl(), properties.token());
        this.links = links;
        this.policies = policies;
        this.properties = properties;
        this.consoleUrl = rollgate.consoleUrl().replaceAll("/+$", "");
        this.clock = clock;
    }

    @Override
    public Mono<Void> publish(Release release, ReleaseEvent event) {
        String repository = policies.application(release.application()).map(Application::repository)
                .filter(r -> !r.isBlank()).orElse(null);
        Mono<Void> work = repository == null ? null : work(release, event, repository);
        if (work == null) {
            return Mono.empty();
        }
        // A transient error outlasting the retries fails the delivery: the outbox tries this event again later,
        // and the statuses after it wait, so GitHub still sees them in order. Anything else would fail again.
        return work.onErrorResume(e -> !transient_(e), e -> {
            log.warn("GitHub deployment update for release {} ({}) refused, not retried: {}", release.id(),
                    event.type(), e.toString());
            return Mono.empty();
        });
    }

    private Mono<Void> work(Release release, ReleaseEvent event, String repository) {
        String url = consoleUrl + "/releases/" + release.id();
        return switch (event.type()) {
            case CREATED -> deployment(release, repository);
            case DEPLOYING -> status(release, GHDeploymentState.IN_PROGRESS, "deploying " + release.version(), url);
            // The weight of that step, not the release's now: the event may be delivered after the next step.
            case STEP_ADVANCED -> status(release, GHDeploymentState.IN_PROGRESS, release.version() + " at "
                    + event.data().getOrDefault("weight", release.weight()) + " % of traffic", url);
            case ROLLBACK_STARTED -> status(release, GHDeploymentState.IN_PROGRESS, "rolling back: "
                    + event.reason(), url);
            case SUCCEEDED -> status(release, GHDeploymentState.SUCCESS, release.version() + " is live", url);
            case ROLLED_BACK -> status(release, GHDeploymentState.FAILURE, "rolled back: " + event.reason(), url);
            case FAILED -> status(release, GHDeploymentState.FAILURE, "failed: " + event.reason(), url);
            case ABORTED -> status(release, GHDeploymentState.ERROR, "aborted: " + event.reason(), url);
            default -> null;
        };
    }

    /** Reuses the deployment that started the release, else creates one for its commit (or tag). */
    private Mono<Void> deployment(Release release, String repository) {
        return links.find(release.id()).map(link -> true)
                .switchIfEmpty(Mono.defer(() -> links.origin(release.id())
                        .defaultIfEmpty(new DeploymentLinks.Origin(null, null))
                        .flatMap(origin -> {
                            if (origin.deploymentId() != null) {
                                return save(release, repository, origin.deploymentId());
                            }
                            String ref = origin.ref() != null ? origin.ref() : release.commitSha();
                            if (ref == null) {
                                return Mono.just(false);
                            }
                            String payload = "{\"rollgate\":{\"release\":\"" + release.id() + "\"}}";
                            return blocking(() -> github.createDeployment(repository, ref, release.environment(),
                                    payload, describe("Rollgate release " + release.version() + " by "
                                            + release.startedBy())))
                                    .flatMap(id -> save(release, repository, id));
                        })))
                .then();
    }

    private Mono<Boolean> save(Release release, String repository, long deploymentId) {
        return links.save(release.id(), new DeploymentLinks.Link(repository, deploymentId), clock.instant())
                .thenReturn(true);
    }

    private Mono<Void> status(Release release, GHDeploymentState state, String description, String logUrl) {
        return links.find(release.id())
                .flatMap(link -> blocking(() -> {
                    github.createStatus(link.repository(), link.deploymentId(), state, describe(description),
                            release.environment(), logUrl);
                    if (state != GHDeploymentState.IN_PROGRESS) {
                        github.forget(link.deploymentId());
                    }
                    return true;
                }))
                .then();
    }

    /** github-api blocks; it gets a bounded-elastic thread and bounded, growing retries for transient errors. */
    private <T> Mono<T> blocking(Callable<T> call) {
        return Mono.fromCallable(call)
                .subscribeOn(Schedulers.boundedElastic())
                .retryWhen(Retry.backoff(properties.retries(), properties.retryBackoff())
                        .maxBackoff(properties.retryBackoff().multipliedBy(16))
                        .filter(GitHubDeploymentNotifier::transient_)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private static boolean transient_(Throwable e) {
        if (e instanceof HttpException http) {
            int code = http.getResponseCode();
            return code >= 500 || code == 429 || code == 403 && String.valueOf(http.getMessage()).contains("rate");
        }
        return e instanceof IOException;
    }

    private static String describe(String text) {
        String s = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return s.length() <= MAX_DESCRIPTION ? s : s.substring(0, MAX_DESCRIPTION - 1) + "…";
    }
}
