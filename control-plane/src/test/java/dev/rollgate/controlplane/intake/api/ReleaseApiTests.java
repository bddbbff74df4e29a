package dev.rollgate.controlplane.intake.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.ApiCalls;
import dev.rollgate.controlplane.support.EngineTest;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import reactor.core.publisher.Flux;

@EngineTest
@AutoConfigureWebTestClient
@ExtendWith(OutputCaptureExtension.class)
class ReleaseApiTests {

    private static final String ADMIN = "test-admin-token";

    @Autowired
    WebTestClient http;
    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    dev.rollgate.controlplane.release.persistence.AuditRepository audit;
    @Autowired
    dev.rollgate.controlplane.release.persistence.MeasurementRepository measurements;
    @Autowired
    org.springframework.r2dbc.core.DatabaseClient db;
    @LocalServerPort
    int port;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    private String token(String role) {
        return new ApiCalls(http).token(role);
    }

    private WebTestClient.ResponseSpec post(String token, String uri, Object body) {
        return new ApiCalls(http).post(token, uri, body);
    }

    @Test
    void refusesRequestsWithoutAValidToken() {
        http.get().uri("/api/releases").exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("WWW-Authenticate")
                .expectBody().jsonPath("$.status").isEqualTo(401);
        http.get().uri("/api/releases").headers(h -> h.setBearerAuth("rg_not-a-token")).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.detail").isEqualTo("invalid or revoked API token");
    }

    @Test
    void onlyAnAdminMayAbandonARollbackThatCannotFinish() {
        ScriptedWorld world = ScriptedWorld.INSTANCE;
        driver.establish("fault-e", "staging", "fe-1.0.0");
        driver.establish("fault-e", "production", "fe-1.0.0");
        world.scriptHealthy("fe-1.1.0");
        driver.awaitSettled(driver.start("fault-e", "staging", "fe-1.1.0").id(), ReleaseState.SUCCEEDED);
        // Too little traffic in production: the release pauses and waits for a person.
        world.script("fe-1.1.0", new ScriptedWorld.Behaviour(true, false,
                gate -> new dev.rollgate.controlplane.release.port.Sample(0, 10, 0.0), List.of()));
        String manager = token("release-manager");
        var release = driver.start("fault-e", "production", "fe-1.1.0");
        driver.awaitState(release.id(), ReleaseState.PAUSED);
        try {
            // The router stops answering: the rollback cannot bring traffic back.
            world.fail("fault-e/production", "route", false, -1);
            post(manager, "/api/releases/" + release.id() + "/rollback", Map.of("reason", "bad")).expectStatus().isOk();
            driver.awaitState(release.id(), ReleaseState.ROLLING_BACK);

            post(manager, "/api/releases/" + release.id() + "/abort", Map.of("reason", "taking over"))
                    .expectStatus().isForbidden()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("admin role"));
            post(ADMIN, "/api/releases/" + release.id() + "/abort", Map.of("reason", "taking over"))
                    .expectStatus().isOk().expectBody().jsonPath("$.state").isEqualTo("ABORTED");
        } finally {
            world.clearFaults();
        }
        int changes = world.changes("fault-e/production").size();
        driver.awaitSettled(release.id(), ReleaseState.ABORTED);
        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == ReleaseEvent.Type.ABORTED)
                .singleElement().satisfies(e -> assertThat(e.reason()).contains("manual action needed"));
        // Handed over: the platform is left as it is for the person who took it.
        await().during(java.time.Duration.ofMillis(500)).atMost(java.time.Duration.ofSeconds(3))
                .until(() -> world.changes("fault-e/production").size() == changes);
    }

    @Test
    void aViewerReadsButMayNotCommandOrManageTokens() {
        String viewer = token("viewer");
        http.get().uri("/api/releases").headers(h -> h.setBearerAuth(viewer)).exchange().expectStatus().isOk();
        post(viewer, "/api/releases", Map.of("application", "svc-m", "environment", "staging", "version", "m-1"))
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        post(viewer, "/api/releases/" + UUID.randomUUID() + "/promote", Map.of()).expectStatus().isForbidden();
        http.get().uri("/api/tokens").headers(h -> h.setBearerAuth(viewer)).exchange().expectStatus().isForbidden();
        assertThat(releases.findActive("svc-m", "staging").blockOptional()).isEmpty();
    }

    @Test
    void aReleaseManagerStartsAReleaseAndEveryCommandRecordsWhoAsked() {
        driver.establish("svc-n", "staging", "n-1.0.0");
        ScriptedWorld.INSTANCE.script("n-1.1.0", new ScriptedWorld.Behaviour(true, false,
                gate -> new dev.rollgate.controlplane.release.port.Sample(0, 10, 0.0), List.of()));
        String manager = token("release-manager");

        ReleaseView created = post(manager, "/api/releases", Map.of("application", "svc-n", "environment", "staging",
                "version", "n-1.1.0", "commitSha", "abc1234", "config", Map.of("FEATURE_X", "on")))
                .expectStatus().isCreated()
                .expectHeader().valueMatches("Location", "/api/releases/[0-9a-f-]{36}")
                .expectBody(ReleaseView.class).returnResult().getResponseBody();
        assertThat(created.state()).isEqualTo("PENDING");
        assertThat(created.config()).containsEntry("FEATURE_X", "on");
        driver.awaitState(created.id(), ReleaseState.PROGRESSING);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> !measurements.list(created.id(), 10).collectList().block().isEmpty());

        post(manager, "/api/releases/" + created.id() + "/pause", Map.of("reason", "checking dashboards"))
                .expectStatus().isOk().expectBody().jsonPath("$.state").isEqualTo("PAUSED");
        post(manager, "/api/releases/" + created.id() + "/pause", Map.of()).expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.detail").isEqualTo("release is already paused");
        post(manager, "/api/releases/" + created.id() + "/rollback", Map.of("reason", "not today"))
                .expectStatus().isOk();
        driver.awaitSettled(created.id(), ReleaseState.ROLLED_BACK);

        http.get().uri("/api/releases/" + created.id() + "/events").headers(h -> h.setBearerAuth(manager)).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$[?(@.event.type == 'PAUSED')].event.reason").isEqualTo("checking dashboards")
                .jsonPath("$[?(@.event.type == 'PAUSED')].event.actor.identity").value(ids ->
                        assertThat(ids.toString()).contains("token:release-manager-"))
                .jsonPath("$[?(@.event.type == 'ROLLBACK_STARTED')].event.actor.kind").isEqualTo("API");
        http.get().uri("/api/releases?application=svc-n&state=ROLLED_BACK").headers(h -> h.setBearerAuth(manager))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.total").isEqualTo(1).jsonPath("$.items[0].id").isEqualTo(created.id().toString());
        http.get().uri("/api/releases/" + created.id() + "/measurements").headers(h -> h.setBearerAuth(manager))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.items[0].gate").exists();
    }

    @Test
    void badInputIsAProblemDetailNamingTheFieldAndStoresNothing() {
        long before = releases.search(new dev.rollgate.controlplane.release.persistence.ReleaseQuery(
                null, null, null, 0, 1)).block().total();
        String manager = token("release-manager");
        Map<String, Map<String, Object>> cases = Map.of(
                "version", Map.of("application", "svc-o", "environment", "staging", "version", "-bad version"),
                "config.lower", Map.of("application", "svc-o", "environment", "staging", "version", "o-1",
                        "config", Map.of("lower", "x")),
                "config.BIG", Map.of("application", "svc-o", "environment", "staging", "version", "o-1",
                        "config", Map.of("BIG", "x".repeat(1025))),
                "application", Map.of("application", "nope", "environment", "staging", "version", "o-1"),
                "environment", Map.of("application", "svc-o", "environment", "moon", "version", "o-1"));
        cases.forEach((field, body) -> post(manager, "/api/releases", body)
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo(field).jsonPath("$.detail").value(d ->
                        assertThat(d.toString()).contains(field)));
        http.post().uri("/api/releases").headers(h -> h.setBearerAuth(manager)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{not json").exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        http.get().uri("/api/releases?size=101").headers(h -> h.setBearerAuth(manager)).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("size");
        http.get().uri("/api/releases/not-a-uuid").headers(h -> h.setBearerAuth(manager)).exchange()
                .expectStatus().isBadRequest();
        http.get().uri("/api/releases/" + UUID.randomUUID()).headers(h -> h.setBearerAuth(manager)).exchange()
                .expectStatus().isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);

        long after = releases.search(new dev.rollgate.controlplane.release.persistence.ReleaseQuery(
                null, null, null, 0, 1)).block().total();
        assertThat(after).isEqualTo(before);
    }

    @Test
    void twentyParallelStartsForOneTargetCreateExactlyOneRelease() {
        driver.establish("svc-p", "staging", "p-1.0.0");
        ScriptedWorld.INSTANCE.script("p-2.0.0", new ScriptedWorld.Behaviour(true, false,
                gate -> new dev.rollgate.controlplane.release.port.Sample(0, 10, 0.0), List.of()));
        String manager = token("release-manager");
        WebClient client = WebClient.create("http://127.0.0.1:" + port);

        List<Integer> statuses = Flux.range(0, 20)
                .flatMap(i -> client.post().uri("/api/releases").headers(h -> h.setBearerAuth(manager))
                        .bodyValue(Map.of("application", "svc-p", "environment", "staging", "version", "p-2.0.0"))
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())), 20)
                .collectList().block(Duration.ofSeconds(30));

        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(19);
        var active = releases.findActive("svc-p", "staging").block();
        post(manager, "/api/releases", Map.of("application", "svc-p", "environment", "staging", "version", "p-3"))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.activeRelease").isEqualTo(active.id().toString())
                .jsonPath("$.detail").value(d -> assertThat(d.toString()).contains(active.id().toString()));
        service.command(active.id(), new dev.rollgate.controlplane.release.Command(
                dev.rollgate.controlplane.release.Command.Type.ROLLBACK, ReleaseDriver.TESTER, null), null).block();
        driver.awaitSettled(active.id(), ReleaseState.ROLLED_BACK);
    }

    @Test
    void theSameIdempotencyKeyNeverStartsASecondRelease() {
        String manager = token("release-manager");
        ScriptedWorld.INSTANCE.scriptHealthy("q-1.0.0");
        Map<String, Object> body = Map.of("application", "svc-q", "environment", "dev", "version", "q-1.0.0");

        ReleaseView first = http.post().uri("/api/releases").headers(h -> h.setBearerAuth(manager))
                .header("Idempotency-Key", "deploy-42").bodyValue(body).exchange()
                .expectStatus().isCreated().expectBody(ReleaseView.class).returnResult().getResponseBody();
        ReleaseView again = http.post().uri("/api/releases").headers(h -> h.setBearerAuth(manager))
                .header("Idempotency-Key", "deploy-42").bodyValue(body).exchange()
                .expectStatus().isOk().expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody(ReleaseView.class).returnResult().getResponseBody();
        http.post().uri("/api/releases").headers(h -> h.setBearerAuth(manager))
                .header("Idempotency-Key", "deploy-42")
                .bodyValue(Map.of("application", "svc-q", "environment", "dev", "version", "q-other")).exchange()
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);

        assertThat(again.id()).isEqualTo(first.id());
        driver.awaitSettled(first.id(), ReleaseState.SUCCEEDED);
        assertThat(releases.search(new dev.rollgate.controlplane.release.persistence.ReleaseQuery(
                "svc-q", null, null, 0, 10)).block().total()).isEqualTo(1);
    }

    @Test
    void theFastPathRollbackReturnsToAnEarlierGoodVersionWithoutAnalysis() {
        var good = driver.establish("svc-r", "staging", "r-1.0.0");
        ScriptedWorld.INSTANCE.scriptHealthy("r-2.0.0");
        var newer = driver.start("svc-r", "staging", "r-2.0.0");
        driver.awaitSettled(newer.id(), ReleaseState.SUCCEEDED);
        String manager = token("release-manager");

        ReleaseView back = post(manager, "/api/applications/svc-r/environments/staging/rollback",
                Map.of("toRelease", good.id().toString(), "reason", "r-2 breaks uploads"))
                .expectStatus().isCreated().expectBody(ReleaseView.class).returnResult().getResponseBody();

        assertThat(back.version()).isEqualTo("r-1.0.0");
        assertThat(back.analysis()).isFalse();
        driver.awaitSettled(back.id(), ReleaseState.SUCCEEDED);
        assertThat(ScriptedWorld.INSTANCE.versionOf("svc-r/staging", dev.rollgate.controlplane.release.Track.STABLE))
                .isEqualTo("r-1.0.0");
        http.get().uri("/api/applications").headers(h -> h.setBearerAuth(manager)).exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$[?(@.name == 'svc-r')].environments[?(@.environment == 'staging')].stableVersion")
                .isEqualTo("r-1.0.0");
        post(manager, "/api/applications/svc-r/environments/staging/rollback", Map.of("toRelease", UUID.randomUUID()))
                .expectStatus().isNotFound();
    }

    @Test
    void aFastPathRollbackToTheRevisionAlreadyStableIsRefused() {
        var stable = driver.establish("pre-c", "staging", "pc-1.0.0");
        String manager = token("release-manager");

        post(manager, "/api/applications/pre-c/environments/staging/rollback",
                Map.of("toRelease", stable.id().toString(), "reason", "just in case"))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.title").isEqualTo("Already stable")
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("pc-1.0.0")
                        .contains("already stable in staging"));

        assertThat(releases.search(new dev.rollgate.controlplane.release.persistence.ReleaseQuery(
                "pre-c", null, null, 0, 10)).block().total()).isEqualTo(1);
    }

    @Test
    void aReleasePromotedByHandIsMarkedSoInTheApi() {
        driver.establish("pre-d", "staging", "pd-1.0.0");
        ScriptedWorld.INSTANCE.script("pd-1.1.0", new ScriptedWorld.Behaviour(true, false,
                gate -> new dev.rollgate.controlplane.release.port.Sample(0, 10, 0.0), List.of()));
        String manager = token("release-manager");
        var release = driver.start("pre-d", "staging", "pd-1.1.0");
        driver.awaitState(release.id(), ReleaseState.PROGRESSING);

        post(manager, "/api/releases/" + release.id() + "/promote", Map.of("reason", "demo in five minutes"))
                .expectStatus().isOk().expectBody()
                .jsonPath("$.promotedByHand").isEqualTo(true)
                .jsonPath("$.analysisSkipped").isEqualTo(true);
        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);

        http.get().uri("/api/releases/" + release.id()).headers(h -> h.setBearerAuth(manager)).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.promotedByHand").isEqualTo(true)
                .jsonPath("$.analysisSkipped").isEqualTo(true);
        http.get().uri("/api/releases?application=pre-d").headers(h -> h.setBearerAuth(manager)).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items[?(@.version == 'pd-1.1.0')].promotedByHand").isEqualTo(List.of(true))
                .jsonPath("$.items[?(@.version == 'pd-1.0.0')].promotedByHand").isEqualTo(List.of(false))
                .jsonPath("$.items[?(@.version == 'pd-1.0.0')].analysisSkipped").isEqualTo(List.of(false));
        http.get().uri("/api/releases/" + release.id() + "/events").headers(h -> h.setBearerAuth(manager)).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$[?(@.event.type == 'PROMOTING')].event.data.promotedByHand").isEqualTo(List.of(true));
    }

    @Test
    void aTokenNameIsUniqueAmongActiveTokensAndFreeAgainOnceRevoked() {
        String name = "ci-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> first = http.post().uri("/api/tokens").headers(h -> h.setBearerAuth(ADMIN))
                .bodyValue(Map.of("name", name, "role", "viewer")).exchange().expectStatus().isCreated()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { }).returnResult().getResponseBody();

        post(ADMIN, "/api/tokens", Map.of("name", name, "role", "admin"))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(409)
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("already named '" + name + "'"));
        post(ADMIN, "/api/tokens", Map.of("name", "bootstrap-admin", "role", "admin"))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit.search(
                new dev.rollgate.controlplane.release.persistence.AuditRepository.Query(null, null, null, null,
                        "REFUSED", null, null, null, 0, 500)).block().items())
                .as("the refused creation is audited with the reason")
                .anyMatch(e -> e.action().equals("TOKEN_CREATE") && e.detail() != null
                        && e.detail().contains("already named '" + name + "'")));
        http.delete().uri("/api/tokens/" + first.get("id")).headers(h -> h.setBearerAuth(ADMIN)).exchange()
                .expectStatus().isNoContent();
        post(ADMIN, "/api/tokens", Map.of("name", name, "role", "viewer")).expectStatus().isCreated();
    }

    @Test
    void aTokenSecretIsShownOnceAndNeverLogged(CapturedOutput output) {
        String secret = token("viewer");

        http.get().uri("/api/releases").headers(h -> h.setBearerAuth(secret)).exchange().expectStatus().isOk();
        String listing = http.get().uri("/api/tokens").headers(h -> h.setBearerAuth(ADMIN)).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(secret).startsWith("rg_").hasSizeGreaterThan(40);
        assertThat(listing).doesNotContain(secret).doesNotContain(ADMIN).contains("viewer");
        assertThat(output.getAll()).doesNotContain(secret).doesNotContain(ADMIN);
    }

    @Test
    void aSucceededCanaryReportsAllTrafficOnItsVersion() {
        driver.establish("gauge-a", "staging", "ga-1.0.0");
        ScriptedWorld.INSTANCE.scriptHealthy("ga-1.1.0");

        var release = driver.awaitSettled(driver.start("gauge-a", "staging", "ga-1.1.0").id(), ReleaseState.SUCCEEDED);

        assertThat(release.plan().strategy()).isEqualTo(dev.rollgate.controlplane.release.Plan.Strategy.CANARY);
        http.get().uri("/api/releases/" + release.id()).headers(h -> h.setBearerAuth(ADMIN)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.weight").isEqualTo(100);
    }

    @Test
    void measurementsArePagedInTheOrderTakenAndNameGatesAsEventsDo() {
        var release = driver.establish("gauge-b", "staging", "gb-1.0.0");
        java.time.Instant later = java.time.Instant.now().plusSeconds(3600);
        // A row as stored before gates were written by id: it must still read, under the id.
        db.sql("insert into gate_measurements (release_id, gate, track, value, threshold, bad, total, verdict,"
                        + " detail, at) values (:id, 'ERROR_RATE', 'stable', 1.0, 5.0, 1, 100, 'PASS', 'old row', :at)")
                .bind("id", release.id()).bind("at", later).then().block();
        List<dev.rollgate.controlplane.analysis.Measurement> more = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            more.add(new dev.rollgate.controlplane.analysis.Measurement(
                    dev.rollgate.controlplane.policy.GateKind.LATENCY, "stable", 120.0, 500.0, 0, 100,
                    dev.rollgate.controlplane.analysis.Verdict.PASS, "new row " + i, later.plusSeconds(i)));
        }
        measurements.record(release.id(), more).block();
        long total = db.sql("select count(*) as n from gate_measurements where release_id = :id")
                .bind("id", release.id()).map(row -> row.get("n", Long.class)).one().block();

        List<Map<String, Object>> seen = new java.util.ArrayList<>();
        for (int page = 0; ; page++) {
            Map<String, Object> body = http.get().uri("/api/releases/" + release.id() + "/measurements?page=" + page
                            + "&size=2").headers(h -> h.setBearerAuth(ADMIN)).exchange().expectStatus().isOk()
                    .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { }).returnResult()
                    .getResponseBody();
            assertThat(((Number) body.get("total")).longValue()).isEqualTo(total);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> items = (List<Map<String, Object>>) body.get("items");
            seen.addAll(items);
            if (!(Boolean) body.get("hasMore")) {
                break;
            }
            assertThat(items).hasSize(2);
        }

        assertThat(seen).hasSize((int) total);
        assertThat(seen).extracting(m -> m.get("gate")).allMatch(g -> List.of("error-rate", "p99-latency", "health",
                "smoke").contains(g));
        assertThat(seen.subList(seen.size() - 5, seen.size())).extracting(m -> m.get("detail"), m -> m.get("gate"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("old row", "error-rate"),
                        org.assertj.core.groups.Tuple.tuple("new row 1", "p99-latency"),
                        org.assertj.core.groups.Tuple.tuple("new row 2", "p99-latency"),
                        org.assertj.core.groups.Tuple.tuple("new row 3", "p99-latency"),
                        org.assertj.core.groups.Tuple.tuple("new row 4", "p99-latency"));
        http.get().uri("/api/releases/" + release.id() + "/measurements?size=1001").headers(h -> h.setBearerAuth(ADMIN))
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("size");
    }

    @Test
    void servesTheOpenApiDocumentAndTheEnvironments() {
        http.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.paths['/api/releases']").exists();
        http.get().uri("/api/environments").headers(h -> h.setBearerAuth(ADMIN)).exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$[?(@.name == 'production')].requires").isEqualTo("staging")
                .jsonPath("$[?(@.name == 'preview')].strategy").isEqualTo("blue-green");
    }
}
