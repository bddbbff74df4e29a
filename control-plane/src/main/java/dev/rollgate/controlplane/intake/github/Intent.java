package dev.rollgate.controlplane.intake.github;

import dev.rollgate.controlplane.release.Actor;

/** What a verified delivery asks Rollgate to do. */
public sealed interface Intent {

    record Pong() implements Intent {
    }

    /** Nothing to do; {@code reason} is told to GitHub (and shows in the delivery's response tab). */
    record Ignore(String reason) implements Intent {
    }

    /**
     * Release {@code version} of {@code application} into {@code environment}. {@code ref} is what a GitHub
     * Deployment for it should point at; {@code deploymentId} is set when GitHub's own deployment asked for it;
     * {@code committedAt} is the pushed commit's time, when the push carried one (lead time runs from it).
     */
    record Start(String application, String environment, String version, String commitSha, String ref,
                 Long deploymentId, Actor actor, String reason, java.time.Instant committedAt) implements Intent {

        public Start(String application, String environment, String version, String commitSha, String ref,
                     Long deploymentId, Actor actor, String reason) {
            this(application, environment, version, commitSha, ref, deploymentId, actor, reason, null);
        }
    }
}
