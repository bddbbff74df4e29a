package dev.rollgate.controlplane.intake.github;

import dev.rollgate.controlplane.notify.github.GitHubProperties;

import static dev.rollgate.controlplane.support.GitHubWebhooks.deliver;
import static dev.rollgate.controlplane.support.GitHubWebhooks.delivery;
import static dev.rollgate.controlplane.support.GitHubWebhooks.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;

import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.GitHubTest;
import dev.rollgate.controlplane.support.GitHubWebhooks;
import io.micrometer.core.instrument.MeterRegistry;

@GitHubTest
class GitHubWebhookTests {

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    MeterRegistry meters;
    @Autowired
    Policies policies;
    @Autowired
    GitHubIntake intake;
    @Autowired
    DeliveryRepository deliveries;
    @Autowired
    Clock clock;

    private long count(String table) {
        return db.sql("select count(*) as n from " + table).map(row -> row.get("n", Long.class)).one().block();
    }

    /** What a refused delivery for gh-a could have left behind (other tests' releases finish in the background). */
    private record Stored(long deliveries, long releases, long queue, long links) {
    }

    private Stored stored() {
        return new Stored(count("github_deliveries"), count("releases where application = 'gh-a'"),
                count("github_release_queue where application = 'gh-a'"), count("github_releases l join releases r"
                + " on r.id = l.release_id where r.application = 'gh-a'"));
    }

    private double rejected(String reason) {
        var counter = meters.find("rollgate.github.webhook.rejected").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private WebTestClient.RequestBodySpec unsigned(String event) {
        return http.post().uri("/webhooks/github").contentType(MediaType.APPLICATION_JSON)
                .header("X-GitHub-Event", event).header("X-GitHub-Delivery", delivery());
    }

    @Test
    void rejectsDeliveryWithoutSignature() {
        Stored before = stored();
        double counted = rejected("signature_missing");
        unsigned("push").bodyValue(fixture("push-develop.json", "acme/gh-a")).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(401).jsonPath("$.title").isEqualTo("Signature missing");
        assertThat(stored()).isEqualTo(before);
        assertThat(rejected("signature_missing")).isEqualTo(counted + 1);
    }

    @Test
    void rejectsDeliveryWithWrongSignature() {
        Stored before = stored();
        double counted = rejected("signature_invalid");
        String body = fixture("push-develop.json", "acme/gh-a");
        unsigned("push").header("X-Hub-Signature-256", WebhookSignature.sign("not-the-secret",
                        body.getBytes(StandardCharsets.UTF_8))).bodyValue(body).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.title").isEqualTo("Signature invalid");
        unsigned("push").header("X-Hub-Signature-256", "sha256=nothex").bodyValue(body).exchange()
                .expectStatus().isUnauthorized();
        assertThat(stored()).isEqualTo(before);
        assertThat(rejected("signature_invalid")).isEqualTo(counted + 2);
    }

    @Test
    void rejectsSignatureOfAnotherBody() {
        Stored before = stored();
        String signed = fixture("push-develop.json", "acme/gh-a");
        String sent = signed.replace("a10867b14bb761a232cd80139fbd4c0d33264240",
                "badbadbadbadbadbadbadbadbadbadbadbadbad0");
        unsigned("push").header("X-Hub-Signature-256", WebhookSignature.sign(GitHubWebhooks.SECRET,
                        signed.getBytes(StandardCharsets.UTF_8))).bodyValue(sent).exchange()
                .expectStatus().isUnauthorized();
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void rejectsOversizedBody() {
        Stored before = stored();
        byte[] huge = new byte[5 * 1024 * 1024 + 1];
        Arrays.fill(huge, (byte) ' ');
        huge[0] = '{';
        huge[huge.length - 1] = '}';
        unsigned("push").header("X-Hub-Signature-256", WebhookSignature.sign(GitHubWebhooks.SECRET, huge))
                .bodyValue(huge).exchange()
                .expectStatus().isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void rejectsOversizedBodySentWithoutContentLength() {
        Stored before = stored();
        byte[] chunk = new byte[1024 * 1024];
        Arrays.fill(chunk, (byte) ' ');
        var buffers = reactor.core.publisher.Flux.range(0, 6)
                .map(i -> org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance.wrap(chunk));
        unsigned("push").header("X-Hub-Signature-256", "sha256=" + "0".repeat(64))
                .body(buffers, org.springframework.core.io.buffer.DataBuffer.class).exchange()
                .expectStatus().isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void rejectsFormEncodedPayloadWithAClearMessage() {
        Stored before = stored();
        String form = "payload=" + java.net.URLEncoder.encode(fixture("ping.json"), StandardCharsets.UTF_8);
        http.post().uri("/webhooks/github").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .header("X-GitHub-Event", "ping").header("X-GitHub-Delivery", delivery())
                .header("X-Hub-Signature-256", WebhookSignature.sign(GitHubWebhooks.SECRET,
                        form.getBytes(StandardCharsets.UTF_8)))
                .bodyValue(form).exchange()
                .expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("application/json"));
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void rejectsSignedMalformedJson() {
        Stored before = stored();
        deliver(http, "push", delivery(), "{\"ref\": \"refs/heads/develop\", ").expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        deliver(http, "push", delivery(), "[1, 2]").expectStatus().isBadRequest();
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void refusesEverythingWhenTheSecretIsUnset() {
        Stored before = stored();
        GitHubProperties unset = new GitHubProperties("", null, "https://api.github.com", "production",
                DataSize.ofMegabytes(5), java.time.Duration.ofDays(30), java.time.Duration.ofSeconds(30),
                java.time.Duration.ofSeconds(1), 4);
        WebTestClient client = WebTestClient.bindToController(new GitHubWebhookController(unset, policies, intake,
                deliveries, meters, clock)).build();
        deliver(client, "push", delivery(), fixture("push-develop.json", "acme/gh-a"))
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("not configured"));
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void answersPing() {
        deliver(http, "ping", delivery(), fixture("ping.json")).expectStatus().isOk()
                .expectBody().jsonPath("$.reason").isEqualTo("pong");
    }

    @Test
    void pushToDevelopStartsAStagingReleaseOfTheShortSha() {
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> answer = deliver(http, "push", delivery(), fixture("push-develop.json", "acme/gh-b"))
                .expectStatus().isCreated()
                .expectBody(java.util.Map.class).returnResult().getResponseBody();
        assertThat(answer).containsEntry("application", "gh-b").containsEntry("environment", "staging")
                .containsEntry("version", "a10867b").containsKey("id");
        Release r = releases.findById(java.util.UUID.fromString((String) answer.get("id"))).block();
        assertThat(r.version()).isEqualTo("a10867b");
        assertThat(r.commitSha()).isEqualTo("a10867b14bb761a232cd80139fbd4c0d33264240");
        assertThat(r.startedBy()).isEqualTo(new Actor(Actor.Kind.GITHUB, "octocat"));
        assertThat(r.startedBy().toString()).isEqualTo("github:octocat");
        assertThat(db.sql("select committed_at from releases where id = :id").bind("id", r.id())
                .map(row -> row.get("committed_at", java.time.Instant.class)).one().block())
                .isEqualTo(java.time.Instant.parse("2026-11-30T15:45:03Z"));
    }

    @Test
    void pushToMainNeedsTheCommitInStagingFirst() {
        deliver(http, "push", delivery(), fixture("push-main.json", "acme/gh-c"))
                .expectStatus().isAccepted()
                .expectBody().jsonPath("$.reason").value(r -> assertThat((String) r)
                        .startsWith("not started:").contains("0d1a26e").contains("staging"));
        assertThat(releases.hasAny("gh-c", "production").block()).isFalse();
    }

    @Test
    void ignoresPushesThatReleaseNothing() {
        Stored before = stored();
        deliver(http, "push", delivery(), fixture("push-other-branch.json", "acme/gh-d")).expectStatus().isAccepted()
                .expectBody().jsonPath("$.reason")
                .isEqualTo("branch feature/yearly-plans is not mapped to an environment");
        deliver(http, "push", delivery(), fixture("push-branch-deleted.json", "acme/gh-d")).expectStatus()
                .isAccepted().expectBody().jsonPath("$.reason").isEqualTo("branch develop was deleted");
        deliver(http, "push", delivery(), fixture("push-develop.json", "acme/unknown")).expectStatus().isAccepted()
                .expectBody().jsonPath("$.reason")
                .isEqualTo("repository acme/unknown is not the repository of any Rollgate application");
        String noCommits = fixture("push-develop.json", "acme/gh-d").replaceAll("(?s)\"commits\": \\[.*?\\n  \\],",
                "\"commits\": [],");
        deliver(http, "push", delivery(), noCommits).expectStatus().isAccepted()
                .expectBody().jsonPath("$.reason").isEqualTo("push to develop carries no commits");
        deliver(http, "issues", delivery(), fixture("ping.json")).expectStatus().isAccepted();
        assertThat(count("releases where application in ('gh-d', 'unknown')")).isZero();
        assertThat(stored().deliveries()).isEqualTo(before.deliveries() + 5);
    }

    @Test
    void publishedReleaseStartsAProductionReleaseOfTheTag() {
        deliver(http, "release", delivery(), fixture("release-published.json", "acme/gh-e"))
                .expectStatus().isAccepted()
                .expectBody().jsonPath("$.reason").value(r -> assertThat((String) r)
                        .contains("v2.4.0 has not SUCCEEDED in staging"));
        String draft = fixture("release-published.json", "acme/gh-e").replace("\"draft\": false", "\"draft\": true");
        deliver(http, "release", delivery(), draft).expectStatus().isAccepted()
                .expectBody().jsonPath("$.reason").isEqualTo("release v2.4.0 is a draft or a prerelease");
    }

    @Test
    void deploymentCreatedStartsAReleaseButRollgatesOwnDeploymentsAreIgnored() {
        deliver(http, "deployment", delivery(), fixture("deployment-created.json", "acme/gh-f"))
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.environment").isEqualTo("staging").jsonPath("$.version").isEqualTo("a10867b");
        deliver(http, "deployment", delivery(), fixture("deployment-created-by-rollgate.json", "acme/gh-g"))
                .expectStatus().isAccepted()
                .expectBody().jsonPath("$.reason").isEqualTo("deployment was created by Rollgate for release"
                        + " 5b8c1f38-2f0b-4a57-9a3e-0e6c2b7d9f10");
        assertThat(releases.hasAny("gh-g", "staging").block()).isFalse();
    }

    @Test
    void redeliveryReplaysTheFirstAnswerAndStartsNothing() {
        String id = delivery();
        String body = fixture("push-develop.json", "acme/gh-h");
        byte[] first = deliver(http, "push", id, body).expectStatus().isCreated()
                .expectHeader().doesNotExist("X-Rollgate-Replayed")
                .expectBody().returnResult().getResponseBodyContent();
        long releasesBefore = count("releases where application = 'gh-h'");
        byte[] second = deliver(http, "push", id, body).expectStatus().isCreated()
                .expectHeader().valueEquals("X-Rollgate-Replayed", "true")
                .expectBody().returnResult().getResponseBodyContent();
        assertThat(second).isEqualTo(first);
        assertThat(count("releases where application = 'gh-h'")).isEqualTo(releasesBefore);

        String ignored = delivery();
        deliver(http, "push", ignored, fixture("push-other-branch.json", "acme/gh-h")).expectStatus().isAccepted();
        deliver(http, "push", ignored, fixture("push-other-branch.json", "acme/gh-h")).expectStatus().isAccepted()
                .expectHeader().valueEquals("X-Rollgate-Replayed", "true");
    }

    @Test
    void prunesDeliveriesOlderThanTheRetention() {
        String old = delivery();
        String recent = delivery();
        java.time.Instant now = java.time.Instant.now();
        var answer = new DeliveryRepository.Answer(202, "{\"reason\":\"x\"}");
        deliveries.record(old, "push", answer, now.minus(java.time.Duration.ofDays(31))).block();
        deliveries.record(recent, "push", answer, now.minus(java.time.Duration.ofDays(29))).block();

        deliveries.pruneOlderThan(java.time.Duration.ofDays(30), now).block();

        assertThat(deliveries.answered(old).blockOptional()).isEmpty();
        assertThat(deliveries.answered(recent).blockOptional()).contains(answer);
    }
}
