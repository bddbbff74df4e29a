package dev.rollgate.controlplane.web;

import static dev.rollgate.controlplane.support.ConsoleSession.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.NewRelease;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.ConsoleSession;
import dev.rollgate.controlplane.support.ConsoleTest;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import dev.rollgate.controlplane.support.ScriptedWorld.Behaviour;

@ConsoleTest
class ConsoleSecurityTests {

    @Autowired
    WebTestClient http;
    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    /** A canary whose gates never reach the minimum sample pauses for insufficient data and stays there. */
    private Release pausedRelease(String app, String env, String version) {
        driver.establish(app, env, version + "-base");
        ScriptedWorld.INSTANCE.script(version, new Behaviour(true, false, gate -> new Sample(0, 10, 0.0), List.of()));
        Release release = driver.start(app, env, version);
        return driver.awaitState(release.id(), ReleaseState.PAUSED);
    }

    @Test
    void redirectsAnonymousVisitorsToTheLoginPage() {
        for (String page : List.of("/", "/history", "/audit", "/releases/new", "/tokens")) {
            http.get().uri(page).exchange().expectStatus().isFound()
                    .expectHeader().location("/login");
        }
        http.get().uri("/login").exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("name=\"password\""));
    }

    @Test
    void refusesAWrongPassword() {
        assertThat(ConsoleSession.attempt(http, "manny", "wrong")).isEqualTo("/login?error");
        assertThat(ConsoleSession.attempt(http, "nobody", "manager-secret-1")).isEqualTo("/login?error");
        assertThat(ConsoleSession.attempt(http, "manny", "manager-secret-1")).isEqualTo("/");
        http.get().uri("/login?error").exchange().expectBody(String.class)
                .value(body -> assertThat(body).contains("Wrong user name or password"));
        http.get().uri("/login").exchange().expectBody(String.class)
                .value(body -> assertThat(body).doesNotContain("Wrong user name or password"));
    }

    @Test
    void locksAnAccountThatKeepsGettingThePasswordWrong() {
        for (int i = 0; i < 5; i++) {
            assertThat(ConsoleSession.attempt(http, "guesswork", "wrong-" + i)).isEqualTo("/login?error");
        }
        assertThat(ConsoleSession.attempt(http, "guesswork", "wrong-6")).isEqualTo("/login?locked");
        http.get().uri("/login?locked").exchange().expectBody(String.class)
                .value(body -> assertThat(body).contains("Too many failed logins"));
    }

    @Test
    void showsViewersNoButtonsAndRefusesTheirCommands() {
        Release paused = pausedRelease("web-a", "qa", "a-1.1.0");
        ConsoleSession viewer = ConsoleSession.login(http, "viola", "viewer-secret-1");

        String page = viewer.get("/releases/" + paused.id());
        assertThat(page).contains("PAUSED").doesNotContain("command-rollback").doesNotContain("command-promote");
        viewer.request("/releases/" + paused.id() + "/confirm/rollback").expectStatus().isForbidden();
        viewer.post("/releases/" + paused.id() + "/commands/rollback", form("reason", "viewer tries"), true, true)
                .expectStatus().isForbidden();

        assertThat(releases.findById(paused.id()).block().state()).isEqualTo(ReleaseState.PAUSED);
    }

    @Test
    void letsAReleaseManagerRollBackAndRecordsWhoDidIt() {
        Release paused = pausedRelease("web-b", "qa", "b-1.1.0");
        ConsoleSession manager = ConsoleSession.login(http, "manny", "manager-secret-1");

        String page = manager.get("/releases/" + paused.id());
        assertThat(page).contains("command-rollback").contains("command-resume").contains("command-promote")
                .doesNotContain("command-pause");
        String confirm = manager.get("/releases/" + paused.id() + "/confirm/rollback");
        assertThat(confirm).contains("name=\"reason\"").doesNotContain("confirmName");

        manager.post("/releases/" + paused.id() + "/commands/rollback", form("reason", "bad numbers"), true, true)
                .expectStatus().isOk()
                .expectHeader().valueEquals("HX-Trigger", "refresh-release")
                .expectBody(String.class).value(body -> assertThat(body).contains("Rollback accepted"));

        driver.awaitState(paused.id(), ReleaseState.ROLLED_BACK);
        assertThat(driver.events(paused.id())).filteredOn(e -> e.type() == ReleaseEvent.Type.ROLLBACK_STARTED)
                .singleElement().satisfies(e -> {
                    assertThat(e.actor()).isEqualTo(new Actor(Actor.Kind.CONSOLE, "manny"));
                    assertThat(e.reason()).isEqualTo("bad numbers");
                });
        assertThat(manager.get("/audit?channel=console&actor=manny"))
                .contains("ROLLBACK").contains("bad numbers").contains("127.0.0.1").contains("accepted");
    }

    @Test
    void asksForTheApplicationNameBeforeCommandingAProtectedEnvironment() {
        Release paused = pausedRelease("web-c", "staging", "c-1.1.0");
        ConsoleSession manager = ConsoleSession.login(http, "manny", "manager-secret-1");
        assertThat(manager.get("/releases/" + paused.id() + "/confirm/rollback")).contains("confirmName");

        manager.post("/releases/" + paused.id() + "/commands/rollback", form("reason", "r", "confirmName", "web-x"),
                        true, true)
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("Type the application name"));
        manager.post("/releases/" + paused.id() + "/commands/rollback", form("confirmName", "web-c"), true, true)
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("Give a reason"));
        assertThat(releases.findById(paused.id()).block().state()).isEqualTo(ReleaseState.PAUSED);

        manager.post("/releases/" + paused.id() + "/commands/rollback", form("reason", "r", "confirmName", "web-c"),
                true, true).expectStatus().isOk();
        driver.awaitState(paused.id(), ReleaseState.ROLLED_BACK);
    }

    @Test
    void rejectsAStateChangingRequestWithoutTheCsrfToken() {
        Release paused = pausedRelease("web-d", "qa", "d-1.1.0");
        ConsoleSession manager = ConsoleSession.login(http, "manny", "manager-secret-1");
        manager.get("/releases/" + paused.id());

        manager.post("/releases/" + paused.id() + "/commands/rollback", form("reason", "forged"), false, true)
                .expectStatus().isForbidden();
        manager.post("/releases/" + paused.id() + "/commands/rollback",
                        form("reason", "forged", "_csrf", "not-the-token"), false, true)
                .expectStatus().isForbidden();
        assertThat(releases.findById(paused.id()).block().state()).isEqualTo(ReleaseState.PAUSED);
    }

    @Test
    void keepsTheTokenPageForAdmins() {
        ConsoleSession manager = ConsoleSession.login(http, "manny", "manager-secret-1");
        manager.request("/tokens").expectStatus().isForbidden();
        manager.post("/tokens", form("name", "sneaky", "role", "admin"), true, false).expectStatus().isForbidden();

        ConsoleSession admin = ConsoleSession.login(http, "admin", "admin-secret-1");
        assertThat(admin.get("/")).contains("API tokens");
        String created = admin.post("/tokens", form("name", "ci-console", "role", "release-manager"), true, false)
                .expectStatus().isCreated()
                .expectHeader().valueEquals("Cache-Control", "no-store")
                .expectBody(String.class).returnResult().getResponseBody();
        String secret = created.replaceAll("(?s).*<pre id=\"new-token\">(rg_[A-Za-z0-9_-]+)</pre>.*", "$1");
        assertThat(secret).startsWith("rg_");
        http.get().uri("/api/releases").headers(h -> h.setBearerAuth(secret)).exchange().expectStatus().isOk();
        String duplicate = admin.post("/tokens", form("name", "ci-console", "role", "admin"), true, false)
                .expectStatus().isEqualTo(409).expectBody(String.class).returnResult().getResponseBody();
        assertThat(duplicate).contains("an active token is already named &#39;ci-console&#39;")
                .doesNotContain("new-token");

        String list = admin.get("/tokens");
        assertThat(list).contains("ci-console").doesNotContain(secret);
        assertThat(admin.get("/audit?channel=console")).contains("TOKEN_CREATE").contains("ci-console");

        var row = java.util.regex.Pattern.compile("ci-console</td>.*?action=\"/tokens/([0-9a-f-]{36})/revoke\"",
                java.util.regex.Pattern.DOTALL).matcher(list);
        assertThat(row.find()).isTrue();
        String tokenId = row.group(1);
        admin.post("/tokens/" + tokenId + "/revoke", form(), true, false).expectStatus().isOk();
        http.get().uri("/api/releases").headers(h -> h.setBearerAuth(secret)).exchange().expectStatus().isUnauthorized();
        assertThat(admin.get("/audit?channel=console")).contains("TOKEN_REVOKE").contains("token " + tokenId);
        admin.post("/tokens", form("name", "ci-console", "role", "viewer"), true, false).expectStatus().isCreated();
    }

    @Test
    void rendersInjectedMarkupAsText() {
        String probe = "<script>alert('xss')</script>";
        Release release = service.create(new NewRelease("web-e", "qa", "e-1.0.0", null, null,
                        Map.of("NOTE", probe)), new Actor(Actor.Kind.API, "token:<img src=x onerror=alert(1)>"), probe,
                null).block().release();
        ConsoleSession viewer = ConsoleSession.login(http, "viola", "viewer-secret-1");

        for (String page : List.of("/releases/" + release.id(), "/history", "/audit", "/")) {
            String html = viewer.get(page);
            assertThat(html).as(page).doesNotContain(probe).doesNotContain("<img src=x");
        }
        assertThat(viewer.get("/releases/" + release.id())).contains("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;");
    }

    @Test
    void sendsSecurityHeadersAndAProtectedSessionCookie() {
        var result = http.get().uri("/login").exchange().expectStatus().isOk()
                .expectHeader().value("Content-Security-Policy", csp -> assertThat(csp)
                        .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline"))
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectBody(String.class).returnResult();
        ResponseCookie session = result.getResponseCookies().getFirst("SESSION");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Lax");
        assertThat(result.getResponseBody()).doesNotContainPattern("<script>[^<]");
    }

    @Test
    void keepsTheApiOnBearerTokensWithoutSessionsOrCsrf() {
        http.get().uri("/api/releases").exchange().expectStatus().isUnauthorized();
        http.get().uri("/api/releases").headers(h -> h.setBearerAuth("test-admin-token")).exchange()
                .expectStatus().isOk().expectHeader().doesNotExist("Set-Cookie");
    }
}
