package dev.rollgate.controlplane.security.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.RollgateApplication;
import dev.rollgate.controlplane.support.ConsoleSession;
import dev.rollgate.controlplane.support.ScriptedAdapters;
import dev.rollgate.controlplane.support.TestDatabase;

/** Two control planes ("replicas") on one database, as the chart runs them behind one Service. */
class ConsoleReplicasTests {

    private static final List<ConfigurableApplicationContext> replicas = new ArrayList<>();
    private static WebTestClient a;
    private static WebTestClient b;
    private static DatabaseClient db;

    @BeforeAll
    static void twoReplicas() {
        String database = TestDatabase.fresh("SESSIONS_TEST_DB", "rollgate_test_sessions");
        a = client(start(database, "replica-a"));
        b = client(start(database, "replica-b"));
        db = replicas.get(0).getBean(DatabaseClient.class);
    }

    @AfterAll
    static void stop() {
        replicas.forEach(ConfigurableApplicationContext::close);
    }

    private static ConfigurableApplicationContext start(String database, String replica) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(RollgateApplication.class,
                ScriptedAdapters.class)
                .profiles("enginetest")
                .run("--TEST_DB=" + database, "--server.port=0", "--rollgate.instance-id=" + replica,
                        "--rollgate.console.admin-password=admin-secret-1",
                        "--rollgate.console.users.viola.password={noop}viewer-secret-1",
                        "--rollgate.console.users.viola.role=viewer",
                        "--rollgate.console.users.lou.password={noop}lou-secret-1",
                        "--rollgate.console.users.lou.role=viewer");
        replicas.add(context);
        return context;
    }

    private static WebTestClient client(ConfigurableApplicationContext replica) {
        return WebTestClient.bindToServer().responseTimeout(Duration.ofSeconds(20))
                .baseUrl("http://127.0.0.1:" + replica.getEnvironment().getProperty("local.server.port")).build();
    }

    @Test
    void aLoginOnOneReplicaIsHonouredOnTheOther() {
        b.get().uri("/").exchange().expectStatus().isFound();

        ConsoleSession onA = ConsoleSession.login(a, "viola", "viewer-secret-1");
        ConsoleSession onB = onA.on(b);

        assertThat(onB.get("/")).as("B serves the page to the session A started").contains("viola");
        Long idle = db.sql("select max_idle_secs from console_sessions where id = :id").bind("id", onA.sessionId())
                .map(row -> row.get(0, Long.class)).one().block();
        assertThat(idle).as("server.reactive.session.timeout").isEqualTo(Duration.ofHours(8).toSeconds());
    }

    @Test
    void failedLoginsSpreadOverBothReplicasLockTheAccountOnBoth() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(ConsoleSession.attempt(i % 2 == 0 ? a : b, "lou", "wrong-" + i)).isEqualTo("/login?error");
        }
        assertThat(ConsoleSession.attempt(a, "lou", "lou-secret-1")).isEqualTo("/login?locked");
        assertThat(ConsoleSession.attempt(b, "lou", "lou-secret-1")).isEqualTo("/login?locked");
        assertThat(ConsoleSession.attempt(b, "admin", "admin-secret-1")).as("other accounts are not locked")
                .isEqualTo("/");
    }

    @Test
    void aLogoutOnOneReplicaEndsTheSessionOnTheOther() {
        ConsoleSession onA = ConsoleSession.login(a, "admin", "admin-secret-1");
        ConsoleSession onB = onA.on(b);
        onB.get("/");

        onB.post("/logout", ConsoleSession.form(), true, false).expectStatus().isFound()
                .expectHeader().location("/login?logout");

        for (WebTestClient replica : List.of(a, b)) {
            URI sentTo = onA.on(replica).request("/").expectStatus().isFound().returnResult(Void.class)
                    .getResponseHeaders().getLocation();
            assertThat(sentTo).as("the ended session is back at the login page").hasPath("/login");
        }
        assertThat(db.sql("select count(*) from console_sessions where id = :id").bind("id", onA.sessionId())
                .map(row -> row.get(0, Long.class)).one().block()).isZero();
    }

    @Test
    void aSessionIdleForTheConfiguredTimeIsOverOnBothReplicas() {
        ConsoleSession onA = ConsoleSession.login(a, "viola", "viewer-secret-1");
        // As if nobody had used it for the whole idle time: the row's expiry is what every replica goes by.
        db.sql("update console_sessions set last_access_at = last_access_at - make_interval(secs => max_idle_secs),"
                        + " expires_at = expires_at - make_interval(secs => max_idle_secs) where id = :id")
                .bind("id", onA.sessionId()).then().block();

        for (WebTestClient replica : List.of(b, a)) {
            assertThat(onA.on(replica).request("/").expectStatus().isFound().returnResult(Void.class)
                    .getResponseHeaders().getLocation()).hasPath("/login");
        }
    }
}
