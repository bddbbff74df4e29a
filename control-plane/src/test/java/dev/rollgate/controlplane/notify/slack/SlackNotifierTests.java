package dev.rollgate.controlplane.notify.slack;

import static dev.rollgate.controlplane.support.FakeSlack.about;
import static dev.rollgate.controlplane.support.FakeSlack.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.FakeSlack;
import dev.rollgate.controlplane.support.FakeSlack.Call;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import dev.rollgate.controlplane.support.SlackTest;
import okhttp3.mockwebserver.MockResponse;

@SlackTest
class SlackNotifierTests {

    private static final FakeSlack slack = FakeSlack.INSTANCE;
    private static final Duration BOUND = Duration.ofSeconds(20);

    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    DatabaseClient db;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    @AfterEach
    void healSlack() {
        slack.reset();
    }

    @Test
    void postsOneMessageInTheEnvironmentsChannelThenUpdatesItAndRepliesInItsThreadInOrder() {
        driver.establish("slack-a", "staging", "sla-1.0.0");
        ScriptedWorld.INSTANCE.scriptHealthy("sla-1.1.0");
        Release release = driver.awaitSettled(driver.start("slack-a", "staging", "sla-1.1.0").id(),
                ReleaseState.SUCCEEDED);

        await().atMost(BOUND).until(() -> slack.callsAbout("sla-1.1.0").stream()
                .anyMatch(c -> c.text().contains("Succeeded")));
        List<Call> calls = slack.callsAbout("sla-1.1.0");
        Call root = calls.get(0);
        assertThat(root.root()).as("the first call creates the message").isTrue();
        assertThat(root.params()).containsEntry("channel", "#deploys-staging");
        assertThat(root.authorization()).isEqualTo("Bearer " + SlackTest.BOT_TOKEN);
        assertThat(root.params().get("blocks")).contains("slack-a sla-1.1.0 → staging")
                .contains("\"action_id\":\"rollgate_promote\"").contains("\"action_id\":\"rollgate_rollback\"")
                .contains("\"value\":\"" + release.id() + "\"")
                .contains("https://rollgate.example.com/releases/" + release.id())
                .contains("token:tester");
        assertThat(calls.stream().filter(Call::root)).hasSize(1);

        Map<String, String> stored = stored(release.id());
        String ts = stored.get("ts");
        List<Call> rest = calls.subList(1, calls.size());
        assertThat(rest).allSatisfy(c -> {
            assertThat(c.params()).containsEntry("channel", stored.get("channel"));
            assertThat(c.params().get(c.method().equals("chat.update") ? "ts" : "thread_ts")).isEqualTo(ts);
        });

        List<String> replies = rest.stream().filter(c -> c.method().equals("chat.postMessage")).map(Call::text).toList();
        assertThat(replies).satisfiesExactly(
                r -> assertThat(r).contains("smoke checks passed"),
                r -> assertThat(r).contains("step 1 of 3: 5 %"),
                r -> assertThat(r).contains("step 2 of 3: 25 %"),
                r -> assertThat(r).contains("step 3 of 3: 50 %"),
                r -> assertThat(r).contains("promoting sla-1.1.0"),
                r -> assertThat(r).contains("Succeeded"));

        List<Call> updates = rest.stream().filter(c -> c.method().equals("chat.update")).toList();
        assertThat(updates).isNotEmpty();
        assertThat(updates.get(updates.size() - 1).params().get("blocks"))
                .as("the final message has no buttons left").doesNotContain("rollgate_promote")
                .contains("SUCCEEDED").contains("100 %");
        assertThat(updates.stream().map(c -> c.params().get("blocks")))
                .anySatisfy(b -> assertThat(b).contains("PROGRESSING (step 2 of 3)").contains("rollgate_promote"));
    }

    @Test
    void postsEachEnvironmentToItsOwnChannel() {
        driver.establish("slack-b", "dev", "slb-1.0.0");
        driver.establish("slack-b", "staging", "slb-1.0.1");
        driver.establish("slack-b", "production", "slb-1.0.1");

        await().atMost(BOUND).until(() -> slack.callsAbout("slack-b").stream().filter(Call::root).count() == 3);
        assertThat(slack.callsAbout("slack-b").stream().filter(Call::root).map(c -> c.params().get("channel")))
                .containsExactly("#deploys-dev", "#deploys-staging", "#deploys");
    }

    @Test
    void waitsWhatRetryAfterSaysOnA429ThenPostsAndThreadsOnTheMessage() {
        slack.failWhen(about("slc-1.0.0").and(Call::root), 1, () -> json(429, "{\"ok\":false,\"error\":\"ratelimited\"}")
                .setHeader("Retry-After", "1"));
        Release release = driver.establish("slack-c", "dev", "slc-1.0.0");

        await().atMost(BOUND).until(() -> slack.callsAbout("slc-1.0.0").stream()
                .anyMatch(c -> c.text().contains("Succeeded")));
        List<Call> roots = slack.callsAbout("slc-1.0.0").stream().filter(Call::root).toList();
        assertThat(roots).extracting(Call::status).containsExactly(429, 200);
        assertThat(Duration.between(roots.get(0).at(), roots.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(roots.get(1).params()).containsEntry("channel", "#deploys-dev");
        String ts = stored(release.id()).get("ts");
        assertThat(slack.callsAbout("slc-1.0.0").stream().filter(c -> !c.root()))
                .isNotEmpty()
                .allSatisfy(c -> assertThat(c.params().getOrDefault("thread_ts", c.params().get("ts"))).isEqualTo(ts));
    }

    @Test
    void retriesServerErrorsWithGrowingBackoff() {
        slack.failWhen(about("sld-1.0.0").and(Call::root), 2, () -> json(503, "upstream connect error"));
        Release release = driver.establish("slack-d", "dev", "sld-1.0.0");

        await().atMost(BOUND).until(() -> stored(release.id()) != null);
        List<Call> roots = slack.callsAbout("sld-1.0.0").stream().filter(Call::root).toList();
        assertThat(roots).extracting(Call::status).containsExactly(503, 503, 200);
        Duration first = Duration.between(roots.get(0).at(), roots.get(1).at());
        Duration second = Duration.between(roots.get(1).at(), roots.get(2).at());
        assertThat(first).isGreaterThanOrEqualTo(Duration.ofMillis(90));
        assertThat(second).isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }

    @Test
    void takesOkFalseAsFinalAndStillFinishesTheRelease() {
        slack.failWhen(about("sle-1.0.0"), 1000, () -> json(200, "{\"ok\":false,\"error\":\"channel_not_found\"}"));
        Release release = driver.establish("slack-e", "dev", "sle-1.0.0");
        assertThat(release.state()).isEqualTo(ReleaseState.SUCCEEDED);

        int eventCount = driver.events(release.id()).size();
        // Each event tries once to create the message; none is retried, and nothing is threaded on a failure.
        await().atMost(BOUND).during(Duration.ofMillis(600))
                .until(() -> slack.callsAbout("sle-1.0.0").size() == eventCount);
        assertThat(slack.callsAbout("sle-1.0.0")).allMatch(Call::root);
        assertThat(stored(release.id())).isNull();
    }

    @Test
    void slackBeingDownNeverDelaysTheRelease() {
        slack.failWhen(about("slf-1.0.0"), 1000, () -> new MockResponse().setHeadersDelay(5, TimeUnit.SECONDS)
                .setBody("{\"ok\":true}"));
        long started = System.nanoTime();
        Release release = driver.establish("slack-f", "dev", "slf-1.0.0");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(release.state()).isEqualTo(ReleaseState.SUCCEEDED);
        // Waiting for Slack would cost at least 5 timed-out attempts of 1 s for each of the release's events.
        assertThat(took).as("a release that waited for Slack").isLessThan(Duration.ofSeconds(10));
        assertThat(slack.callsAbout("slf-1.0.0")).as("Slack was asked, and is still stuck on the first message")
                .isNotEmpty().allMatch(Call::root);
        assertThat(stored(release.id())).isNull();
    }

    private Map<String, String> stored(UUID id) {
        return db.sql("select channel, ts from slack_messages where release_id = :id").bind("id", id)
                .map(row -> Map.of("channel", row.get("channel", String.class), "ts", row.get("ts", String.class)))
                .one().block();
    }
}
