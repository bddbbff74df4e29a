package dev.rollgate.controlplane.intake.github;

import java.util.Optional;

import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.Actor;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads a verified webhook payload into an {@link Intent}; no I/O, so every rule is a unit-testable table. */
public final class GitHubEvents {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BRANCH_PREFIX = "refs/heads/";
    private static final String ZERO_SHA = "0000000000000000000000000000000000000000";

    private final Policies policies;
    private final String releaseEnvironment;

    public GitHubEvents(Policies policies, String releaseEnvironment) {
        this.policies = policies;
        this.releaseEnvironment = releaseEnvironment;
    }

    public Intent interpret(String event, JsonNode payload) {
        if ("ping".equals(event)) {
            return new Intent.Pong();
        }
        if (!"push".equals(event) && !"release".equals(event) && !"deployment".equals(event)) {
            return new Intent.Ignore("event '" + event + "' is not handled; Rollgate acts on push, release and"
                    + " deployment");
        }
        String repository = text(payload.path("repository").path("full_name"));
        Optional<Application> app = policies.applications().stream()
                .filter(a -> a.repository() != null && a.repository().equalsIgnoreCase(repository)).findFirst();
        if (app.isEmpty()) {
            return new Intent.Ignore("repository " + repository + " is not the repository of any Rollgate"
                    + " application");
        }
        Actor actor = actor(payload);
        return switch (event) {
            case "push" -> push(app.get(), payload, actor);
            case "release" -> release(app.get(), payload, actor);
            default -> deployment(app.get(), payload, actor);
        };
    }

    private Intent push(Application app, JsonNode payload, Actor actor) {
        String ref = text(payload.path("ref"));
        if (ref == null || !ref.startsWith(BRANCH_PREFIX)) {
            return new Intent.Ignore("push to " + ref + " is not a branch push");
        }
        String branch = ref.substring(BRANCH_PREFIX.length());
        String after = text(payload.path("after"));
        if (payload.path("deleted").asBoolean(false) || ZERO_SHA.equals(after)) {
            return new Intent.Ignore("branch " + branch + " was deleted");
        }
        Optional<Environment> env = policies.environments().stream()
                .filter(e -> branch.equals(e.branch())).findFirst();
        if (env.isEmpty()) {
            return new Intent.Ignore("branch " + branch + " is not mapped to an environment");
        }
        if (payload.path("commits").isEmpty() || after == null || after.length() < 7) {
            return new Intent.Ignore("push to " + branch + " carries no commits");
        }
        String version = after.substring(0, 7);
        String message = firstLine(text(payload.path("head_commit").path("message")));
        return new Intent.Start(app.name(), env.get().name(), version, after, after, null, actor,
                "push to " + branch + ": commit " + version + (message.isEmpty() ? "" : " \"" + message + "\""),
                instant(text(payload.path("head_commit").path("timestamp"))));
    }

    private Intent release(Application app, JsonNode payload, Actor actor) {
        String action = text(payload.path("action"));
        JsonNode release = payload.path("release");
        String tag = text(release.path("tag_name"));
        if (!"published".equals(action)) {
            return new Intent.Ignore("release " + tag + " was " + action + "; only published releases start one");
        }
        if (release.path("draft").asBoolean(false) || release.path("prerelease").asBoolean(false)) {
            return new Intent.Ignore("release " + tag + " is a draft or a prerelease");
        }
        if (policies.environment(releaseEnvironment).isEmpty()) {
            return new Intent.Ignore("release environment '" + releaseEnvironment + "' is not configured");
        }
        return new Intent.Start(app.name(), releaseEnvironment, tag, null, tag, null, actor,
                "GitHub release " + tag + " published");
    }

    private Intent deployment(Application app, JsonNode payload, Actor actor) {
        String action = text(payload.path("action"));
        if (!"created".equals(action)) {
            return new Intent.Ignore("deployment action '" + action + "' is not handled");
        }
        JsonNode deployment = payload.path("deployment");
        String own = rollgateRelease(deployment.path("payload"));
        if (own != null) {
            return new Intent.Ignore("deployment was created by Rollgate for release " + own);
        }
        String environment = text(deployment.path("environment"));
        if (policies.environment(environment).isEmpty()) {
            return new Intent.Ignore("deployment environment '" + environment + "' is not a Rollgate environment");
        }
        String sha = text(deployment.path("sha"));
        if (sha == null || sha.length() < 7) {
            return new Intent.Ignore("deployment carries no commit sha");
        }
        String ref = Optional.ofNullable(text(deployment.path("ref"))).orElse(sha);
        long id = deployment.path("id").asLong(0);
        return new Intent.Start(app.name(), environment, sha.substring(0, 7), sha, ref, id == 0 ? null : id, actor,
                "GitHub deployment " + id + " of " + ref + " (" + sha.substring(0, 7) + ")");
    }

    /** Rollgate's own deployments carry {"rollgate":{"release":id}}, as an object or (older API) a JSON string. */
    static String rollgateRelease(JsonNode payload) {
        JsonNode node = payload;
        if (node.isString()) {
            try {
                node = JSON.readTree(node.stringValue());
            } catch (JacksonException e) {
                return null;
            }
        }
        JsonNode release = node.path("rollgate").path("release");
        return release.isMissingNode() || release.isNull() ? null : release.asString();
    }

    private static Actor actor(JsonNode payload) {
        String login = text(payload.path("sender").path("login"));
        if (login == null) {
            login = text(payload.path("pusher").path("name"));
        }
        return new Actor(Actor.Kind.GITHUB, login == null ? "unknown" : login);
    }

    private static String text(JsonNode node) {
        return node.isString() ? node.stringValue() : null;
    }

    /** GitHub writes commit times with the committer's offset; one it cannot read is left out, not refused. */
    static java.time.Instant instant(String timestamp) {
        if (timestamp == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(timestamp).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.lines().findFirst().orElse("").strip();
        return line.length() > 72 ? line.substring(0, 71) + "…" : line;
    }
}
