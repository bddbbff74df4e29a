package dev.rollgate.controlplane.intake.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.BodyInserters;

import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.notify.slack.SlackCalls;
import dev.rollgate.controlplane.notify.slack.SlackProperties;
import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.FakeSlack;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import dev.rollgate.controlplane.support.SlackTest;
import okhttp3.mockwebserver.MockResponse;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

@SlackTest
@ExtendWith(OutputCaptureExtension.class)
class SlackActionsTests {

    private static final String URL = "/webhooks/slack/actions";

    @Autowired
    WebTestClient http;
    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    Clock clock;
    @Autowired
    SlackProperties slackProperties;
    @Autowired
    ObjectProvider<SlackCalls> slackCalls;
    @Autowired
    SlackActions parser;
    @Autowired
    SlackResponses responses;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    /** A canary that stays at its first step: too few requests for the gates to ever pass. */
    private Release progressing(String app, String version) {
        driver.establish(app, "staging", version + "-base");
        ScriptedWorld.INSTANCE.script(version, new ScriptedWorld.Behaviour(true, false,
                gate -> new Sample(0, 10, 0.0), List.of()));
        Release release = driver.start(app, "staging", version);
        driver.awaitState(release.id(), ReleaseState.PROGRESSING);
        return release;
    }

    private static String payload(String userId, String username, String actionId, String value, String trigger,
                                  String responseUrl) {
        return """
                {"type":"block_actions","user":{"id":"%s","username":"%s","name":"%s","team_id":"T0001"},
                 "api_app_id":"A0001","token":"legacy","trigger_id":"%s","team":{"id":"T0001","domain":"acme"},
                 "container":{"type":"message","message_ts":"1700000000.000100","channel_id":"C1","is_ephemeral":false},
                 "channel":{"id":"C1","name":"deploys-staging"},
                 "response_url":"%s",
                 "actions":[{"action_id":"%s","block_id":"rollgate_release","text":{"type":"plain_text","text":"x"},
                             "value":"%s","style":"primary","type":"button","action_ts":"1700000001.000200"}]}
                """.formatted(userId, username, username, trigger, responseUrl, actionId, value);
    }

    /** A click whose response_url is on the fake, named by its trigger id. */
    private static String payload(String userId, String username, String actionId, String value, String trigger) {
        return payload(userId, username, actionId, value, trigger, FakeSlack.INSTANCE.responseUrl(trigger));
    }

    private static String form(String payload) {
        return "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
    }

    private WebTestClient.ResponseSpec send(String body, String timestamp, String signature) {
        return http.post().uri(URL).contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .headers(h -> {
                    if (timestamp != null) {
                        h.set("X-Slack-Request-Timestamp", timestamp);
                    }
                    if (signature != null) {
                        h.set("X-Slack-Signature", signature);
                    }
                })
                .bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec signedAt(Instant at, String body) {
        String ts = Long.toString(at.getEpochSecond());
        return send(body, ts, new SlackSignature(SlackTest.SIGNING_SECRET).sign(ts,
                body.getBytes(StandardCharsets.UTF_8)));
    }

    private WebTestClient.ResponseSpec signed(String body) {
        return signedAt(clock.instant(), body);
    }

    /** Sends a signed click the way Slack does and checks the acknowledgement: a 200 with nothing in it. */
    private void click(String user, String name, String actionId, UUID release, String trigger) {
        signed(form(payload(user, name, actionId, release.toString(), trigger)))
                .expectStatus().isOk()
                .expectBody().isEmpty();
    }

    /** The {@code n}th (1-based) ephemeral message POSTed to the click's response_url, once it has come. */
    private static String answer(String trigger, int n) {
        List<FakeSlack.Call> answers = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> FakeSlack.INSTANCE.answersTo(trigger), a -> a.size() >= n);
        FakeSlack.Call call = answers.get(n - 1);
        assertThat(call.params()).containsEntry("response_type", "ephemeral")
                .containsEntry("replace_original", "false")
                .hasEntrySatisfying("content-type", t -> assertThat(t).startsWith("application/json"));
        return call.text();
    }

    private static String answer(String trigger) {
        return answer(trigger, 1);
    }

    private static String trigger() {
        return "trig-" + UUID.randomUUID();
    }

    @Test
    void promotesFromSlackAndAnswersTheClickingUserThroughTheResponseUrl() {
        Release release = progressing("slack-g", "slg-1.1.0");
        String click = trigger();

        click("U0MANAGER", "maria", "rollgate_promote", release.id(), click);

        assertThat(answer(click)).startsWith("Promote accepted: slack-g slg-1.1.0 in staging is now ");
        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);
        ReleaseEvent promoting = driver.events(release.id()).stream()
                .filter(e -> e.type() == ReleaseEvent.Type.PROMOTING).findFirst().orElseThrow();
        assertThat(promoting.actor()).isEqualTo(new Actor(Actor.Kind.SLACK, "U0MANAGER"));
        assertThat(promoting.actor().toString()).isEqualTo("slack:U0MANAGER");
        assertThat(promoting.reason()).contains("from Slack by maria");
        assertThat(FakeSlack.INSTANCE.answersTo(click)).hasSize(1);
    }

    @Test
    void aCommandSlowerThanTheNoticeIsStillCarriedOutAndItsOutcomeFollows() {
        Release release = progressing("slack-l", "sll-1.1.0");
        // Told "still working" at once: the command has barely started when the notice goes out.
        var controller = new SlackActionsController(slackProperties, service, slackCalls, parser, responses, clock,
                Duration.ofNanos(1));
        WebTestClient direct = WebTestClient.bindToController(controller).build();
        String click = trigger();
        String body = form(payload("U0MANAGER", "maria", "rollgate_promote", release.id().toString(), click));
        String ts = Long.toString(clock.instant().getEpochSecond());

        direct.post().uri(URL).contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .header("X-Slack-Request-Timestamp", ts)
                .header("X-Slack-Signature", new SlackSignature(SlackTest.SIGNING_SECRET)
                        .sign(ts, body.getBytes(StandardCharsets.UTF_8)))
                .bodyValue(body).exchange().expectStatus().isOk();

        assertThat(answer(click, 1)).startsWith("Rollgate is still working on it");
        assertThat(answer(click, 2)).startsWith("Promote accepted: slack-l sll-1.1.0 in staging is now ");
        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);
    }

    @Test
    void rollsBackFromSlackForAnAdminAndExplainsWhenTheCommandIsNoLongerAllowed() {
        Release release = progressing("slack-h", "slh-1.1.0");
        String rollback = trigger();

        click("U0ADMIN", "ada", "rollgate_rollback", release.id(), rollback);
        assertThat(answer(rollback)).startsWith("Rollback accepted");
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);
        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == ReleaseEvent.Type.ROLLBACK_STARTED)
                .singleElement().satisfies(e -> assertThat(e.actor().toString()).isEqualTo("slack:U0ADMIN"));

        String promote = trigger();
        click("U0ADMIN", "ada", "rollgate_promote", release.id(), promote);
        assertThat(answer(promote))
                .isEqualTo("Command not allowed: release is ROLLED_BACK; there is nothing to promote");
    }

    @Test
    void aRedeliveredClickDoesNothingTwice() {
        Release release = progressing("slack-i", "sli-1.1.0");
        String click = trigger();

        click("U0MANAGER", "maria", "rollgate_rollback", release.id(), click);
        assertThat(answer(click, 1)).startsWith("Rollback accepted");
        click("U0MANAGER", "maria", "rollgate_rollback", release.id(), click);
        assertThat(answer(click, 2)).startsWith("Rollback accepted");
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);
        assertThat(driver.eventTypes(release.id())).containsOnlyOnce(ReleaseEvent.Type.ROLLBACK_STARTED);
    }

    @Test
    void refusesViewersAndUnknownUsersEphemerallyAndLeavesTheReleaseAlone() {
        Release release = progressing("slack-j", "slj-1.1.0");

        for (String user : List.of("U0VIEWER", "U0STRANGER")) {
            String click = trigger();
            click(user, "vic", "rollgate_rollback", release.id(), click);
            assertThat(answer(click)).isEqualTo("Sorry, your Rollgate role is viewer: only release managers and"
                    + " admins may rollback releases from Slack.");
        }
        Release after = releases.findById(release.id()).block();
        assertThat(after.state()).isIn(ReleaseState.PROGRESSING, ReleaseState.PAUSED);
        assertThat(driver.events(release.id())).noneMatch(e -> e.actor().kind() == Actor.Kind.SLACK);
        service.command(release.id(), new dev.rollgate.controlplane.release.Command(
                dev.rollgate.controlplane.release.Command.Type.ABORT, ReleaseDriver.TESTER, null), null)
                .onErrorResume(e -> service.command(release.id(), new dev.rollgate.controlplane.release.Command(
                        dev.rollgate.controlplane.release.Command.Type.ROLLBACK, ReleaseDriver.TESTER, null), null))
                .block();
    }

    @Test
    void mapsAUserByTheirEmailAddressWhenTheirIdIsNotConfigured() {
        FakeSlack.INSTANCE.knowEmail("U0CAROL", "Carol@Example.com");
        Release release = progressing("slack-a", "sla-9.1.0");
        String click = trigger();

        click("U0CAROL", "carol", "rollgate_rollback", release.id(), click);
        assertThat(answer(click)).startsWith("Rollback accepted");
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);
    }

    @Test
    void neverCallsAResponseUrlOnAHostThatIsNotAllowedAndStillCarriesTheCommandOut(CapturedOutput output) {
        Release release = progressing("slack-k", "slk-1.1.0");
        String click = trigger();
        // Both name the fake, which would record the call: by a host that is not listed, and by the listed host
        // behind user info (which some parsers read as the host).
        String otherHost = FakeSlack.INSTANCE.responseUrl("localhost", click);
        String userInfo = FakeSlack.INSTANCE.responseUrl("localhost@" + FakeSlack.HOST, click);

        signed(form(payload("U0MANAGER", "maria", "rollgate_promote", release.id().toString(), click, otherHost)))
                .expectStatus().isOk().expectBody().isEmpty();
        signed(form(payload("U0MANAGER", "maria", "rollgate_promote", release.id().toString(), click, userInfo)))
                .expectStatus().isOk().expectBody().isEmpty();

        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> FakeSlack.INSTANCE.answersTo(click), List::isEmpty);
        assertThat(output.getAll())
                .contains("slack response_url on http://localhost is not allowed by rollgate.slack.response-url-hosts")
                .doesNotContain("response-token");
    }

    @Test
    void retriesAResponseUrlThatFailsAndGivesUpOnOneThatIsGone() {
        String flaky = trigger();
        String gone = trigger();
        FakeSlack.INSTANCE.failWhen(c -> c.method().equals(FakeSlack.RESPONSE_URL) && c.about().contains(flaky), 2,
                () -> FakeSlack.json(503, "{}"));
        FakeSlack.INSTANCE.failWhen(c -> c.method().equals(FakeSlack.RESPONSE_URL) && c.about().contains(gone), 9,
                () -> new MockResponse().setResponseCode(404).setBody("expired_url"));

        click("U0ADMIN", "ada", "rollgate_promote", UUID.randomUUID(), flaky);
        click("U0ADMIN", "ada", "rollgate_promote", UUID.randomUUID(), gone);

        assertThat(answer(flaky, 3)).startsWith("Release not found");
        assertThat(FakeSlack.INSTANCE.answersTo(flaky)).extracting(FakeSlack.Call::status)
                .containsExactly(503, 503, 200);
        await().atMost(Duration.ofSeconds(5)).until(() -> FakeSlack.INSTANCE.answersTo(gone), a -> !a.isEmpty());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> FakeSlack.INSTANCE.answersTo(gone), a -> a.size() == 1);
    }

    @Test
    void refusesActionWithStaleTimestamp() {
        String body = form(payload("U0ADMIN", "ada", "rollgate_promote", UUID.randomUUID().toString(), trigger()));
        signedAt(clock.instant().minus(Duration.ofMinutes(6)), body).expectStatus().isUnauthorized();
        signedAt(clock.instant().plus(Duration.ofMinutes(6)), body).expectStatus().isUnauthorized();
    }

    @Test
    void refusesActionWithWrongSignature() {
        String body = form(payload("U0ADMIN", "ada", "rollgate_promote", UUID.randomUUID().toString(), trigger()));
        String ts = Long.toString(clock.instant().getEpochSecond());
        String byAnotherSecret = new SlackSignature("not-the-secret").sign(ts, body.getBytes(StandardCharsets.UTF_8));
        send(body, ts, byAnotherSecret).expectStatus().isUnauthorized();
        String forAnotherBody = new SlackSignature(SlackTest.SIGNING_SECRET).sign(ts,
                body.replace("U0ADMIN", "U0ADMIM").getBytes(StandardCharsets.UTF_8));
        send(body, ts, forAnotherBody).expectStatus().isUnauthorized();
    }

    @Test
    void refusesActionWithMissingSignatureOrTimestamp() {
        String body = form(payload("U0ADMIN", "ada", "rollgate_promote", UUID.randomUUID().toString(), trigger()));
        String ts = Long.toString(clock.instant().getEpochSecond());
        send(body, ts, null).expectStatus().isUnauthorized();
        send(body, null, new SlackSignature(SlackTest.SIGNING_SECRET).sign(ts, body.getBytes(StandardCharsets.UTF_8)))
                .expectStatus().isUnauthorized();
    }

    @Test
    void refusesAnOversizedBodyWithOrWithoutContentLength() {
        String body = "payload=" + "x".repeat(70 * 1024);
        signed(body).expectStatus().isEqualTo(413);
        // Chunked: no declared length, so the limit applies while reading.
        http.post().uri(URL).contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromPublisher(Flux.just("payload=", "x".repeat(40 * 1024), "x".repeat(40 * 1024)),
                        String.class))
                .exchange().expectStatus().isEqualTo(413);
    }

    @Test
    void answersAReadableErrorForAReleaseThatDoesNotExist() {
        String click = trigger();
        click("U0ADMIN", "ada", "rollgate_promote", UUID.randomUUID(), click);
        assertThat(answer(click)).startsWith("Release not found");
    }

    @Test
    void answers503WhenTheSigningSecretIsUnset() {
        SlackProperties unset = new SlackProperties("xoxb-x", "", "https://slack.com/api/", Map.of(), Map.of(),
                "viewer", Duration.ofSeconds(1), 1, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1),
                DataSize.ofKilobytes(64), List.of("hooks.slack.com"));
        var controller = new SlackActionsController(unset, service,
                new StaticListableBeanFactory().getBeanProvider(SlackCalls.class),
                new SlackActions(JsonMapper.builder().build()), new SlackResponses(unset), clock);
        WebTestClient.bindToController(controller).build()
                .post().uri(URL).contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("payload=%7B%7D")
                .exchange().expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.error").value(e -> assertThat((String) e).contains("not configured"));
    }
}
