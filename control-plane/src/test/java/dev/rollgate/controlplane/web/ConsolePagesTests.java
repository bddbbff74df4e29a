package dev.rollgate.controlplane.web;

import static dev.rollgate.controlplane.support.ConsoleSession.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.Command;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseQuery;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.ConsoleSession;
import dev.rollgate.controlplane.support.ConsoleTest;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import dev.rollgate.controlplane.support.ScriptedWorld.Behaviour;
import reactor.core.publisher.Flux;

@ConsoleTest
class ConsolePagesTests {

    @Autowired
    WebTestClient http;
    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    org.springframework.r2dbc.core.DatabaseClient db;
    @Autowired
    dev.rollgate.controlplane.release.persistence.MeasurementRepository measurements;

    ReleaseDriver driver;
    ConsoleSession manager;

    @BeforeEach
    void login() {
        driver = new ReleaseDriver(service, releases, events);
        manager = ConsoleSession.login(http, "manny", "manager-secret-1");
    }

    private long count(String app) {
        return releases.search(new ReleaseQuery(app, null, null, 0, 100)).block().total();
    }

    @Test
    void showsValidationMessagesInTheStartFormAndStartsNothing() {
        String page = manager.post("/releases", form("application", "web-a", "environment", "qa", "version",
                        "not a version!", "config", "LOUD=1\nno equals sign", "idempotencyKey", "console:" + UUID.randomUUID()),
                true, false)
                .expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("id=\"error-config\"").contains("line 2: expected KEY=VALUE")
                .contains("id=\"error-version\"");
        // Every mistake of one submit at once: an unknown application and environment, a bad version, two bad lines.
        page = manager.post("/releases", form("application", "no-such-app", "environment", "nowhere", "version",
                        "bad version", "config", "A=1\nfirst bad\nsecond bad"), true, false)
                .expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("id=\"error-application\"").contains("unknown application")
                .contains("id=\"error-environment\"").contains("unknown environment")
                .contains("id=\"error-version\"").contains("line 2: expected KEY=VALUE; line 3: expected KEY=VALUE");
        page = manager.post("/releases", form("application", "no-such-app", "environment", "qa", "version",
                        "bad version"), true, false)
                .expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("id=\"error-application\"").contains("id=\"error-version\"");

        page = manager.post("/releases", form("application", "web-a", "environment", "nowhere", "version", "bad version",
                        "config", "lower=1"), true, false)
                .expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("id=\"error-version\"").contains("id=\"error-config\"")
                .contains("value=\"bad version\"");
        page = manager.post("/releases", form("application", "web-a", "environment", "nowhere", "version", "1.0.0"),
                        true, false)
                .expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("id=\"error-environment\"").contains("unknown environment");
        assertThat(count("web-a")).isZero();
    }

    @Test
    void startsAReleaseFromTheFormOnceEvenWhenSubmittedTwice() {
        String key = "console:" + UUID.randomUUID();
        var first = manager.post("/releases", form("application", "web-b", "environment", "qa", "version", "b-1.0.0",
                        "config", "FEATURE_X=on\nDB_PASSWORD=hunter2", "reason", "first of web-b", "idempotencyKey", key), true, false)
                .expectStatus().isSeeOther().expectBody().returnResult().getResponseHeaders().getLocation();
        var second = manager.post("/releases", form("application", "web-b", "environment", "qa", "version", "b-1.0.0",
                        "config", "FEATURE_X=on\nDB_PASSWORD=hunter2", "reason", "first of web-b", "idempotencyKey", key), true, false)
                .expectStatus().isSeeOther().expectBody().returnResult().getResponseHeaders().getLocation();
        assertThat(second).isEqualTo(first);
        assertThat(count("web-b")).isEqualTo(1);

        Release release = releases.findById(UUID.fromString(first.getPath().substring("/releases/".length()))).block();
        assertThat(release.startedBy()).isEqualTo(new Actor(Actor.Kind.CONSOLE, "manny"));
        assertThat(release.candidate().config()).containsEntry("FEATURE_X", "on");
        String detail = manager.get(first.getPath());
        assertThat(detail).contains("b-1.0.0").contains("manny").contains("console");
        assertThat(detail).contains("id=\"config\"").contains("<bdi>FEATURE_X</bdi>").contains("<bdi>on</bdi>")
                .contains("<bdi>DB_PASSWORD</bdi></td><td><bdi>***</bdi>").doesNotContain("hunter2");
    }

    @Test
    void explainsWhyAReleaseCannotStartWhenOneIsActive() {
        driver.establish("web-c", "qa", "c-1.0.0");
        ScriptedWorld.INSTANCE.script("c-1.1.0", new Behaviour(true, false, gate -> new Sample(0, 10, 0.0), List.of()));
        Release second = driver.start("web-c", "qa", "c-1.1.0");
        driver.awaitState(second.id(), ReleaseState.PAUSED);
        String page = manager.post("/releases", form("application", "web-c", "environment", "qa", "version", "c-1.2.0"),
                        true, false)
                .expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("Release already active").contains("c-1.1.0");
        String paused = manager.get("/releases/" + second.id());
        assertThat(paused).contains("id=\"time-left\">paused<").contains("id=\"pause-reason\"><bdi>");
        var latest = ReleaseDetails.latestPerGate(measurements.list(second.id(), 40).collectList().block());
        assertThat(latest).isNotEmpty();
        assertThat(manager.get("/fragments/cell/web-c/qa")).contains("class=\"time-left\">paused<")
                .contains(">gates " + OverviewController.worst(latest) + "<");
        assertThat(count("web-c")).isEqualTo(2);
    }

    @Test
    void filtersHistoryAndPagesThroughIt() {
        for (int i = 0; i < 3; i++) {
            Release r = driver.start("web-d", "qa", "d-1.0." + i);
            driver.awaitSettled(r.id(), ReleaseState.SUCCEEDED);
        }
        String page = manager.get("/history?application=web-d&state=SUCCEEDED");
        assertThat(page).contains("3 in all").contains("d-1.0.0").contains("d-1.0.2");
        assertThat(manager.get("/history?application=web-d&state=ROLLED_BACK")).contains("0 in all");
        assertThat(manager.get("/history?application=web-d&from=2999-01-01")).contains("0 in all");
        assertThat(manager.get("/history?from=yesterday")).contains("is not a date");
        assertThat(manager.get("/history?state=NOPE")).contains("unknown state");
    }

    @Test
    void auditLogShowsCommandsFromEveryChannelIncludingRefusals() {
        Release r = driver.start("web-e", "qa", "e-1.0.0");
        driver.awaitSettled(r.id(), ReleaseState.SUCCEEDED);
        service.command(r.id(), new Command(Command.Type.PROMOTE, new Actor(Actor.Kind.SLACK, "U42"), "late"), null)
                .onErrorResume(e -> reactor.core.publisher.Mono.empty()).block();

        String audit = manager.get("/audit?application=web-e");
        assertThat(audit).contains("CREATE").contains("token:tester").contains("api")
                .contains("PROMOTE").contains("U42").contains("slack").contains("refused").contains("Command not allowed");
        assertThat(manager.get("/audit?application=web-e&outcome=refused")).doesNotContain("token:tester");
        assertThat(manager.get("/audit?channel=carrier-pigeon")).contains("unknown channel");
        assertThat(manager.get("/audit?actor=tester")).doesNotContain("0 in all");
        assertThat(manager.get("/audit?actor=%25")).contains("0 in all");
    }

    @Test
    void marksAReleasePromotedByHandOnItsPageAndInTheHistory() {
        driver.establish("web-g", "qa", "g-1.0.0");
        ScriptedWorld.INSTANCE.script("g-1.1.0", new Behaviour(true, false, gate -> new Sample(0, 10, 0.0), List.of()));
        Release r = driver.start("web-g", "qa", "g-1.1.0");
        driver.awaitState(r.id(), ReleaseState.PROGRESSING);
        service.command(r.id(), new Command(Command.Type.PROMOTE, ReleaseDriver.TESTER, "ship it"), null).block();
        driver.awaitSettled(r.id(), ReleaseState.SUCCEEDED);

        assertThat(manager.get("/releases/" + r.id())).contains("id=\"analysis\"")
                .contains("skipped: promoted by hand</span> by <bdi id=\"promoted-by\">api:token:tester</bdi>");
        assertThat(manager.get("/history?application=web-g")).containsOnlyOnce(">promoted by hand</span>");
    }

    @Test
    void signalsEveryChangeOfAReleaseOnTheLiveStream() {
        Release r = driver.start("web-f", "qa", "f-1.0.0");
        driver.awaitSettled(r.id(), ReleaseState.SUCCEEDED);
        Flux<ServerSentEvent<String>> stream = http.get().uri("/live").accept(MediaType.TEXT_EVENT_STREAM)
                .cookie("SESSION", manager.sessionId()).exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() { }).getResponseBody();
        var received = stream.filter(e -> e.event() != null).map(ServerSentEvent::event)
                .filter(name -> name.contains("web-f") || name.startsWith("release-"))
                .take(2).collectList()
                .toFuture();
        Release next = driver.start("web-f", "qa", "f-1.1.0");
        List<String> names = reactor.core.publisher.Mono.fromFuture(received).block(Duration.ofSeconds(10));
        assertThat(names).contains("release-" + next.id(), "cell-web-f--qa");
    }

    @Test
    void theOverviewOffersTheRevisionThatPassedStagingToProductionPrefilled() {
        ScriptedWorld world = ScriptedWorld.INSTANCE;
        driver.establish("path-a", "staging", "pa-1.0.0");
        driver.establish("path-a", "production", "pa-1.0.0");
        world.scriptHealthy("pa-1.1.0");
        Release passed = driver.service().create(new dev.rollgate.controlplane.release.NewRelease("path-a", "staging",
                "pa-1.1.0", null, "abc1234", java.util.Map.of("FEATURE_X", "on")), ReleaseDriver.TESTER, null, null)
                .block().release();
        driver.awaitSettled(passed.id(), ReleaseState.SUCCEEDED);

        String overview = manager.get("/");
        assertThat(overview).contains("release pa-1.1.0 from staging to production");
        java.util.regex.Matcher link = java.util.regex.Pattern
                .compile("promote-next\"\\s+href=\"(/releases/new\\?application=path-a&amp;environment=production[^\"]*)\"")
                .matcher(overview);
        assertThat(link.find()).as("a prefilled start link for production").isTrue();
        // Decoded as a browser would before following it (the test client encodes the query again).
        String form = manager.get(java.net.URLDecoder.decode(link.group(1).replace("&amp;", "&"),
                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(form).contains("value=\"pa-1.1.0\"").contains("value=\"abc1234\"").contains("FEATURE_X=on");

        // Once production runs that revision there is nothing more to offer.
        Release prod = driver.service().create(new dev.rollgate.controlplane.release.NewRelease("path-a",
                "production", "pa-1.1.0", null, "abc1234", java.util.Map.of("FEATURE_X", "on")), ReleaseDriver.TESTER,
                null, null).block().release();
        driver.awaitSettled(prod.id(), ReleaseState.SUCCEEDED);
        assertThat(manager.get("/")).doesNotContain("release pa-1.1.0 from staging to production");
    }

    @Test
    void isolatesUserTextSoItCannotReorderThePageNorWidenTheAuditLog() {
        // The engine refuses bidirectional overrides and escapes what it audits; rows written before that (or
        // by hand) still hold them, and the page must not let them reorder what it shows.
        String rlo = "invoice\u202Eexe.txt";
        Release r = driver.start("web-h", "qa", "h-1.0.0");
        driver.awaitSettled(r.id(), ReleaseState.SUCCEEDED);
        db.sql("insert into audit_log (at, actor_kind, actor, action, outcome, application, environment, release_id,"
                        + " reason, detail, address) values (now(), 'SLACK', :who, 'PROMOTE', 'REFUSED', 'web-h', 'qa',"
                        + " :id, :reason, :detail, '127.0.0.1')")
                .bind("who", rlo).bind("id", r.id()).bind("reason", rlo).bind("detail", "y".repeat(100_000))
                .then().block();
        db.sql("insert into release_events (release_id, seq, type, actor_kind, actor, reason, data, at)"
                        + " values (:id, 999, 'PAUSED', 'SLACK', :who, :reason, '{}'::jsonb, now())")
                .bind("id", r.id()).bind("who", rlo).bind("reason", rlo).then().block();

        String audit = manager.get("/audit?application=web-h");
        assertThat(audit).contains("<td><bdi>" + rlo + "</bdi></td>").contains("<td class=\"reason\"><bdi>" + rlo)
                .contains("<td class=\"detail\"><bdi>yyyy");
        assertThat(manager.get("/releases/" + r.id())).contains("<td><bdi>slack:" + rlo + "</bdi></td>")
                .contains("<td class=\"reason\"><bdi>" + rlo + "</bdi></td>");
        String css = http.get().uri("/css/console.css").exchange().expectStatus().isOk().expectBody(String.class)
                .returnResult().getResponseBody();
        assertThat(css).containsPattern("table\\.audit td[^{]*\\{[^}]*overflow-wrap: anywhere")
                .containsPattern("table\\.audit td\\.reason[^{]*\\{[^}]*max-width");
    }

    @Test
    void historyShowsDurationOutcomeAndWhichReleasesWereBootstrapOrFastPath() {
        Release boot = service.bootstrap("web-i", "qa", "i-1.0.0").block().release();
        driver.awaitSettled(boot.id(), ReleaseState.SUCCEEDED);
        Release normal = driver.establish("web-i", "qa", "i-1.1.0");
        Release back = service.fastRollback("web-i", "qa", boot.id(), ReleaseDriver.TESTER, "back to the bundle",
                null).block().release();
        driver.awaitSettled(back.id(), ReleaseState.SUCCEEDED);

        assertThat(manager.get("/releases/" + boot.id())).contains("none (bootstrap)");
        assertThat(manager.get("/releases/" + back.id())).contains("none (fast-path rollback)");
        String page = manager.get("/history?application=web-i");
        assertThat(page).contains("<th>Duration</th><th>Outcome</th>")
                .containsOnlyOnce(">bootstrap</span>").containsOnlyOnce(">fast-path rollback</span>")
                .containsPattern("<td class=\"duration\">\\d+s</td>");
        var normalEvents = driver.events(normal.id());
        String lastReason = normalEvents.get(normalEvents.size() - 1).reason();
        assertThat(lastReason).isNotBlank();
        assertThat(page).contains("<td class=\"reason\"><bdi>" + lastReason + "</bdi></td>");
    }

    @Test
    void servesAFaviconWithoutLoginAndLinksItFromEveryPage() {
        http.get().uri("/favicon.svg").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("image/svg+xml")
                .expectBody(String.class).value(svg -> assertThat(svg).startsWith("<svg").contains("</svg>"));
        byte[] ico = http.get().uri("/favicon.ico").exchange().expectStatus().isOk().expectBody(byte[].class)
                .returnResult().getResponseBody();
        // ICONDIR: reserved 0, type 1 (icon), then the image count.
        assertThat(ico).startsWith(0, 0, 1, 0, 1, 0);
        assertThat(manager.get("/history")).contains("<link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\">");
    }

    @Test
    void chartsMeasureStableBesideTheCandidateAndAFinishedReleaseKeepsItsReadings() {
        driver.establish("web-j", "qa", "j-1.0.0");
        Release r = driver.establish("web-j", "qa", "j-1.1.0");
        String json = manager.get("/releases/" + r.id() + "/chart-data");
        assertThat(json).contains("\"error-rate\"").contains("\"role\":\"candidate\"")
                .contains("\"role\":\"stable\"");
        assertThat(manager.get("/releases/" + r.id())).doesNotContain("id=\"no-measurements\"")
                .containsPattern("<td>error-rate</td>\\s*<td class=\"candidate\">[^<]+</td>\\s*"
                        + "<td class=\"stable\">[0-9.]+ % \\([0-9]+ bad of [0-9]+\\)</td>")
                .contains("<td class=\"comparison\">");
    }
}
