package dev.rollgate.controlplane.intake.github;

import static dev.rollgate.controlplane.support.GitHubWebhooks.deliver;
import static dev.rollgate.controlplane.support.GitHubWebhooks.delivery;
import static dev.rollgate.controlplane.support.GitHubWebhooks.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.rollgate.controlplane.release.Command;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.GitHubTest;
import dev.rollgate.controlplane.support.GitHubWebhooks;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import reactor.core.publisher.Flux;

@GitHubTest
class GitHubQueueTests {

    private static final String FIXTURE_SHA = "a10867b14bb761a232cd80139fbd4c0d33264240";

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    @Autowired
    ReleaseService service;
    @Autowired
    QueueRepository queue;
    @Autowired
    QueueDrainer drainer;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @LocalServerPort
    int port;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    private static String sha(String app, int n) {
        byte[] bytes = (app + "#" + n).getBytes(StandardCharsets.UTF_8);
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String push(String app, String sha) {
        return fixture("push-develop.json", "acme/" + app).replace(FIXTURE_SHA, sha);
    }

    /** A release of the app that holds staging (paused mid-canary) until the test lets it go. */
    private Release hold(String app) {
        driver.establish(app, "staging", app + "-1.0.0");
        Release busy = driver.start(app, "staging", app + "-1.1.0");
        driver.awaitState(busy.id(), ReleaseState.PROGRESSING);
        return service.command(busy.id(), new Command(Command.Type.PAUSE, ReleaseDriver.TESTER, "hold"), null).block();
    }

    private void rollBack(Release r) {
        service.command(r.id(), new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER, "make way"), null).block();
    }

    private Map<String, String> queued(Set<String> apps) {
        return db.sql("select application, version from github_release_queue where environment = 'staging'")
                .map(row -> Map.entry(row.get("application", String.class), row.get("version", String.class)))
                .all().collectList().block().stream().filter(e -> apps.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private List<String> versions(String app) {
        return db.sql("select version from releases where application = :a and environment = 'staging'"
                        + " order by created_at").bind("a", app)
                .map(row -> row.get("version", String.class)).all().collectList().block();
    }

    private record Answer(int status, String body, boolean replayed) {
    }

    private record Delivery(String id, String app, String sha, String body) {
    }

    private List<Answer> deliverConcurrently(List<Delivery> deliveries) {
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        return Flux.fromIterable(deliveries).flatMap(d -> {
            byte[] bytes = d.body().getBytes(StandardCharsets.UTF_8);
            return client.post().uri("/webhooks/github").contentType(MediaType.APPLICATION_JSON)
                    .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", d.id())
                    .header("X-Hub-Signature-256", WebhookSignature.sign(GitHubWebhooks.SECRET, bytes))
                    .bodyValue(bytes)
                    .exchangeToMono(r -> r.bodyToMono(String.class).map(b -> new Answer(r.statusCode().value(), b,
                            "true".equals(r.headers().asHttpHeaders().getFirst("X-Rollgate-Replayed")))));
        }, deliveries.size()).collectList().block(Duration.ofSeconds(60));
    }

    private static List<Delivery> pushes(List<String> apps, int perApp) {
        return IntStream.range(0, perApp).boxed().flatMap(i -> apps.stream().map(app -> {
            String sha = sha(app, i);
            return new Delivery(delivery(), app, sha, push(app, sha));
        })).toList();
    }

    @Test
    void queuesTheNewestCommitWhileAReleaseIsActiveAndStartsItWhenItEnds() {
        Release busy = hold("gh-n");
        String older = sha("gh-n", 1);
        String newer = sha("gh-n", 2);
        deliver(http, "push", delivery(), push("gh-n", older)).expectStatus().isAccepted()
                .expectBody().jsonPath("$.reason").value(r -> assertThat((String) r)
                        .startsWith("queued " + older.substring(0, 7)).contains(busy.id().toString()));
        deliver(http, "push", delivery(), push("gh-n", newer)).expectStatus().isAccepted();
        assertThat(queued(Set.of("gh-n"))).containsExactly(Map.entry("gh-n", newer.substring(0, 7)));

        rollBack(busy);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> versions("gh-n").contains(newer.substring(0, 7)) && queued(Set.of("gh-n")).isEmpty());
        assertThat(versions("gh-n")).doesNotContain(older.substring(0, 7));
        Release started = releases.findActive("gh-n", "staging").blockOptional()
                .orElseGet(() -> releases.lastSucceeded("gh-n", "staging").block());
        assertThat(started.version()).isEqualTo(newer.substring(0, 7));
        assertThat(started.commitSha()).isEqualTo(newer);
        assertThat(started.startedBy().toString()).isEqualTo("github:octocat");
        // the commit's time waits in the queue with it, so lead time still runs from the commit
        assertThat(db.sql("select committed_at from releases where id = :id").bind("id", started.id())
                .map(row -> row.get("committed_at", java.time.Instant.class)).one().block())
                .isEqualTo(java.time.Instant.parse("2026-11-30T15:45:03Z"));
    }

    @Test
    void fiftyConcurrentPushesToBusyTargetsQueueOnePerTargetAndRedeliveriesReplay() {
        List<String> apps = List.of("gh-q", "gh-r", "gh-s", "gh-t", "gh-u");
        Map<String, Release> busy = apps.stream().collect(Collectors.toMap(a -> a, this::hold));
        List<Delivery> deliveries = pushes(apps, 10);

        List<Answer> answers = deliverConcurrently(deliveries);
        assertThat(answers).hasSize(50).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(202);
            assertThat(a.body()).contains("queued ");
            assertThat(a.replayed()).isFalse();
        });
        Map<String, String> queue = queued(Set.copyOf(apps));
        assertThat(queue).containsOnlyKeys(apps);
        queue.forEach((app, version) -> assertThat(deliveries.stream().filter(d -> d.app().equals(app))
                .map(d -> d.sha().substring(0, 7))).contains(version));
        apps.forEach(app -> assertThat(versions(app)).hasSize(2));
        long stored = db.sql("select count(*) as n from github_deliveries where delivery_id in ("
                        + deliveries.stream().map(d -> "'" + d.id() + "'").collect(Collectors.joining(",")) + ")")
                .map(row -> row.get("n", Long.class)).one().block();
        assertThat(stored).isEqualTo(50);

        List<Answer> again = deliverConcurrently(deliveries);
        assertThat(again).hasSize(50).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(202);
            assertThat(a.replayed()).isTrue();
        });
        assertThat(queued(Set.copyOf(apps))).isEqualTo(queue);

        busy.values().forEach(this::rollBack);
        await().atMost(Duration.ofSeconds(30)).until(() -> queued(Set.copyOf(apps)).isEmpty());
        apps.forEach(app -> assertThat(versions(app)).hasSize(3).endsWith(queue.get(app)));
    }

    @Test
    void fiftyConcurrentPushesToIdleTargetsStartExactlyOneReleasePerTarget() {
        List<String> apps = List.of("gh-v", "gh-w", "gh-x", "gh-y", "gh-z");
        List<Delivery> deliveries = pushes(apps, 10);
        // Versions that never become ready hold their target for the ready timeout (5 s), longer than the burst.
        deliveries.forEach(d -> ScriptedWorld.INSTANCE.script(d.sha().substring(0, 7),
                new ScriptedWorld.Behaviour(false, false, ScriptedWorld.HEALTHY, List.of())));

        List<Answer> answers = deliverConcurrently(deliveries);
        Map<String, String> queue = queued(Set.copyOf(apps));
        Map<String, List<String>> started = apps.stream().collect(Collectors.toMap(a -> a, this::versions));

        List<Answer> created = answers.stream().filter(a -> a.status() == 201).toList();
        assertThat(created).hasSize(5);
        assertThat(created.stream().map(a -> a.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"))
                .map(UUID::fromString).distinct()).hasSize(5);
        assertThat(created.stream().map(a -> a.body().replaceAll(".*\"application\":\"([^\"]+)\".*", "$1")))
                .containsExactlyInAnyOrderElementsOf(apps);
        assertThat(answers.stream().filter(a -> a.status() == 202)).hasSize(45)
                .allSatisfy(a -> assertThat(a.body()).contains("queued "));
        started.forEach((app, versions) -> assertThat(versions).as(app).hasSize(1));
        assertThat(queue).containsOnlyKeys(apps);
    }

    @Test
    void sweepStartsWhatWasLeftQueuedWhileRollgateWasDown() {
        driver.establish("gh-o", "staging", "gh-o-1.0.0");
        String sha = sha("gh-o", 1);
        // As a previous run would leave it: queued, and the release in the way ended while nobody listened.
        queue.put(new QueueRepository.Queued("gh-o", "staging", sha.substring(0, 7), sha, delivery(), "octocat",
                "push to develop: commit " + sha.substring(0, 7), java.time.Instant.now())).block();

        drainer.sweep().block(Duration.ofSeconds(10));

        assertThat(versions("gh-o")).containsExactly("gh-o-1.0.0", sha.substring(0, 7));
        assertThat(queued(Set.of("gh-o"))).isEmpty();
    }
}
