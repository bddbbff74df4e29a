package dev.rollgate.controlplane.notify.github;

import static dev.rollgate.controlplane.support.GitHubWebhooks.deliver;
import static dev.rollgate.controlplane.support.GitHubWebhooks.delivery;
import static dev.rollgate.controlplane.support.GitHubWebhooks.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.release.NewRelease;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.FakeGitHub;
import dev.rollgate.controlplane.support.FakeGitHub.Call;
import dev.rollgate.controlplane.support.GitHubTest;
import dev.rollgate.controlplane.support.ReleaseDriver;

@GitHubTest
class GitHubDeploymentNotifierTests {

    private static final String SHA = "3f786850e387550fdab836ed7e6dc881de23001b";
    private static final FakeGitHub GITHUB = FakeGitHub.INSTANCE;

    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    WebTestClient http;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    private Release startWithCommit(String app, String version) {
        return service.create(new NewRelease(app, "staging", version, null, SHA, Map.of()), ReleaseDriver.TESTER,
                "from CI", null).block().release();
    }

    private static List<String> states(List<Call> writes) {
        return writes.stream().filter(c -> c.path().endsWith("/statuses"))
                .map(c -> c.body().path("state").asString()).toList();
    }

    private static void awaitFinalStatus(String repository, String state) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            List<String> s = states(GITHUB.writes(repository));
            return !s.isEmpty() && s.get(s.size() - 1).equals(state);
        });
    }

    @Test
    void reportsAReleaseAsADeploymentWithStatusesInOrder() {
        driver.establish("gh-i", "staging", "i-1.0.0");
        assertThat(GITHUB.writes("acme/gh-i")).as("a release without a commit has nothing to deploy").isEmpty();

        Release r = startWithCommit("gh-i", "i-1.1.0");
        driver.awaitSettled(r.id(), ReleaseState.SUCCEEDED);
        awaitFinalStatus("acme/gh-i", "success");

        List<Call> writes = GITHUB.writes("acme/gh-i");
        Call create = writes.get(0);
        assertThat(create.path()).isEqualTo("/repos/acme/gh-i/deployments");
        assertThat(create.body().path("ref").asString()).isEqualTo(SHA);
        assertThat(create.body().path("environment").asString()).isEqualTo("staging");
        assertThat(create.body().path("auto_merge").asBoolean(true)).isFalse();
        assertThat(create.body().path("required_contexts").isArray()).isTrue();
        assertThat(create.body().path("required_contexts").isEmpty()).isTrue();
        assertThat(create.body().path("payload").toString()).contains("rollgate").contains(r.id().toString());

        List<Call> statuses = writes.subList(1, writes.size());
        assertThat(statuses).allSatisfy(c -> {
            assertThat(c.path()).isEqualTo("/repos/acme/gh-i/deployments/" + deploymentId(create) + "/statuses");
            assertThat(c.body().path("log_url").asString())
                    .isEqualTo("https://rollgate.example.com/releases/" + r.id());
            assertThat(c.body().path("environment").asString()).isEqualTo("staging");
        });
        List<String> states = states(writes);
        assertThat(states.get(0)).isEqualTo("in_progress");
        assertThat(states.subList(0, states.size() - 1)).containsOnly("in_progress");
        assertThat(states.get(states.size() - 1)).isEqualTo("success");
        // Canary staging: deploying, then one status per traffic step (5, 25, 50 %).
        assertThat(states).hasSize(5);
    }

    private long deploymentId(Call create) {
        return GITHUB.calls("acme/gh-i").stream().filter(c -> c.path().matches("/repos/acme/gh-i/deployments/\\d+/statuses"))
                .map(c -> Long.parseLong(c.path().split("/")[5])).findFirst().orElseThrow();
    }

    @Test
    void retriesServerErrorsWithBackoffThenReportsEverything() {
        driver.establish("gh-j", "staging", "j-1.0.0");
        GITHUB.failNext("acme/gh-j", 2);
        Release r = startWithCommit("gh-j", "j-1.1.0");
        driver.awaitSettled(r.id(), ReleaseState.SUCCEEDED);
        awaitFinalStatus("acme/gh-j", "success");

        List<Call> all = GITHUB.calls("acme/gh-j");
        assertThat(all.stream().filter(c -> c.status() == 502)).hasSize(2);
        assertThat(all.get(0).status()).isEqualTo(502);
        assertThat(all.get(1).status()).isEqualTo(502);
        List<Call> writes = GITHUB.writes("acme/gh-j");
        assertThat(writes.get(0).path()).isEqualTo("/repos/acme/gh-j/deployments");
        assertThat(writes.stream().filter(c -> c.path().endsWith("/deployments"))).hasSize(1);
        assertThat(states(writes)).startsWith("in_progress").endsWith("success").hasSize(5);
    }

    @Test
    void aGitHubOutageNeverDelaysTheRelease() {
        driver.establish("gh-k", "staging", "k-1.0.0");
        driver.establish("gh-p", "staging", "p-1.0.0");
        Instant started = Instant.now();
        Release healthy = startWithCommit("gh-p", "p-1.1.0");
        driver.awaitSettled(healthy.id(), ReleaseState.SUCCEEDED);
        Duration baseline = Duration.between(started, Instant.now());

        GITHUB.down("acme/gh-k", 1500);
        started = Instant.now();
        Release r = startWithCommit("gh-k", "k-1.1.0");
        driver.awaitSettled(r.id(), ReleaseState.SUCCEEDED);
        Duration withOutage = Duration.between(started, Instant.now());

        // Five tries at 1.5 s each cannot have finished: the release did not wait for GitHub.
        assertThat(GITHUB.calls("acme/gh-k").size()).isLessThan(5);
        assertThat(withOutage).isLessThan(baseline.plusSeconds(2));
        // Retries are bounded: the creation is given up after five tries and later statuses have nothing to post to.
        await().atMost(Duration.ofSeconds(30)).until(() -> GITHUB.calls("acme/gh-k").size() == 5);
        assertThat(GITHUB.calls("acme/gh-k")).allSatisfy(c -> assertThat(c.status()).isEqualTo(503));
    }

    @Test
    void postsStatusesToTheDeploymentThatStartedTheRelease() {
        driver.establish("gh-l", "staging", "l-1.0.0");
        String body = deliver(http, "deployment", delivery(), fixture("deployment-created.json", "acme/gh-l"))
                .expectStatus().isCreated().expectBody(String.class).returnResult().getResponseBody();
        UUID id = UUID.fromString(body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
        driver.awaitSettled(id, ReleaseState.SUCCEEDED);
        awaitFinalStatus("acme/gh-l", "success");

        List<Call> writes = GITHUB.writes("acme/gh-l");
        assertThat(writes).noneMatch(c -> c.path().endsWith("/deployments"));
        assertThat(writes).allSatisfy(c ->
                assertThat(c.path()).isEqualTo("/repos/acme/gh-l/deployments/145988746/statuses"));
        assertThat(states(writes)).startsWith("in_progress").endsWith("success");
    }

    @Test
    void aPublishedReleaseIsDeployedByItsTag() {
        driver.establish("gh-m", "staging", "v2.3.0");
        driver.establish("gh-m", "production", "v2.3.0");
        driver.establish("gh-m", "staging", "v2.4.0");
        String body = deliver(http, "release", delivery(), fixture("release-published.json", "acme/gh-m"))
                .expectStatus().isCreated().expectBody(String.class).returnResult().getResponseBody();
        UUID id = UUID.fromString(body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
        driver.awaitSettled(id, ReleaseState.SUCCEEDED);
        awaitFinalStatus("acme/gh-m", "success");

        Call create = GITHUB.writes("acme/gh-m").get(0);
        assertThat(create.path()).isEqualTo("/repos/acme/gh-m/deployments");
        assertThat(create.body().path("ref").asString()).isEqualTo("v2.4.0");
        assertThat(create.body().path("environment").asString()).isEqualTo("production");
    }
}
