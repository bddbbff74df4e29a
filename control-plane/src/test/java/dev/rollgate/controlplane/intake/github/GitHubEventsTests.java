package dev.rollgate.controlplane.intake.github;

import static dev.rollgate.controlplane.support.GitHubWebhooks.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.policy.RollgateProperties;
import dev.rollgate.controlplane.release.Actor;
import tools.jackson.databind.json.JsonMapper;

/** The event → intent table, on the real-format fixtures and the shipped demo mapping. */
class GitHubEventsTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final GitHubEvents events = new GitHubEvents(policies(), "production");

    private static Policies policies() {
        var app = new RollgateProperties.ApplicationProperties("rollgate-demo/video-platform", null,
                java.util.List.of("/health"));
        return new Policies(new RollgateProperties(Map.of("video-api", app), Map.of(
                "staging", env("develop", null), "production", env("main", "staging")),
                null, null, null, null, null, "http://localhost:8090"));
    }

    private static RollgateProperties.EnvironmentProperties env(String branch, String requires) {
        return new RollgateProperties.EnvironmentProperties("local", "local", "builtin", "default", branch, requires,
                true,
                "rolling", new RollgateProperties.CanaryProperties(java.util.List.of(5, 25, 50),
                java.time.Duration.ofSeconds(30)), new RollgateProperties.BlueGreenProperties(
                java.time.Duration.ofMinutes(5)), new RollgateProperties.RollingProperties(
                java.time.Duration.ofSeconds(30)), new RollgateProperties.AnalysisProperties(
                java.time.Duration.ofSeconds(30), 50, 0.999, 0, java.time.Duration.ofSeconds(30), 4, 0.05,
                java.time.Duration.ofMillis(500), 0.01, 0.10, 10), java.time.Duration.ofMinutes(2),
                java.time.Duration.ofMinutes(5));
    }

    private Intent interpret(String event, String fixture) {
        return events.interpret(event, JSON.readTree(fixture(fixture)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "push | push-develop.json | staging    | a10867b | a10867b14bb761a232cd80139fbd4c0d33264240",
            "push | push-main.json    | production | 0d1a26e | 0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
            "release | release-published.json | production | v2.4.0 | v2.4.0",
            "deployment | deployment-created.json | staging | a10867b | develop"})
    void startsAReleaseForMappedEvents(String event, String fixture, String env, String version, String ref) {
        Intent.Start start = (Intent.Start) interpret(event, fixture);
        assertThat(start.application()).isEqualTo("video-api");
        assertThat(start.environment()).isEqualTo(env);
        assertThat(start.version()).isEqualTo(version);
        assertThat(start.ref()).isEqualTo(ref);
        assertThat(start.actor()).isEqualTo(new Actor(Actor.Kind.GITHUB, "octocat"));
    }

    @Test
    void pushReasonMentionsTheCommit() {
        Intent.Start start = (Intent.Start) interpret("push", "push-develop.json");
        assertThat(start.reason()).isEqualTo("push to develop: commit a10867b \"Plans: yearly discount\"");
        assertThat(start.deploymentId()).isNull();
    }

    @Test
    void pushCarriesItsHeadCommitsTimeForLeadTime() {
        assertThat(((Intent.Start) interpret("push", "push-main.json")).committedAt())
                .isEqualTo(java.time.Instant.parse("2026-11-30T15:45:03Z"));
        assertThat(((Intent.Start) interpret("release", "release-published.json")).committedAt()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "2026-11-30T16:45:03+01:00 | 2026-11-30T15:45:03Z",
            "2026-11-30T15:45:03Z      | 2026-11-30T15:45:03Z",
            "yesterday                 | null",
            "null                      | null"})
    void readsCommitTimesWithTheirOffsetAndLeavesOutWhatItCannotRead(String timestamp, String expected) {
        assertThat(GitHubEvents.instant(timestamp))
                .isEqualTo(expected == null ? null : java.time.Instant.parse(expected));
    }

    @Test
    void deploymentEventKeepsItsDeploymentId() {
        assertThat(((Intent.Start) interpret("deployment", "deployment-created.json")).deploymentId())
                .isEqualTo(145988746L);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "push | push-other-branch.json | branch feature/yearly-plans is not mapped to an environment",
            "push | push-branch-deleted.json | branch develop was deleted",
            "deployment | deployment-created-by-rollgate.json"
                    + " | deployment was created by Rollgate for release 5b8c1f38-2f0b-4a57-9a3e-0e6c2b7d9f10",
            "issues | ping.json | event 'issues' is not handled; Rollgate acts on push, release and deployment"})
    void ignoresWhatReleasesNothing(String event, String fixture, String reason) {
        assertThat(interpret(event, fixture)).isEqualTo(new Intent.Ignore(reason));
    }

    @Test
    void pingIsAPong() {
        assertThat(interpret("ping", "ping.json")).isInstanceOf(Intent.Pong.class);
    }

    @Test
    void recognisesRollgatesOwnDeploymentPayloadAsObjectOrString() {
        assertThat(GitHubEvents.rollgateRelease(JSON.readTree("{\"rollgate\":{\"release\":\"r-1\"}}")))
                .isEqualTo("r-1");
        assertThat(GitHubEvents.rollgateRelease(JSON.readTree("\"{\\\"rollgate\\\":{\\\"release\\\":\\\"r-2\\\"}}\"")))
                .isEqualTo("r-2");
        assertThat(GitHubEvents.rollgateRelease(JSON.readTree("{}"))).isNull();
        assertThat(GitHubEvents.rollgateRelease(JSON.readTree("\"not json\""))).isNull();
    }
}
