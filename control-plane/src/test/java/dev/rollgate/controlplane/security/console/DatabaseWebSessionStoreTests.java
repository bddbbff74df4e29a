package dev.rollgate.controlplane.security.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InvalidClassException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.management.ObjectName;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.User;
import org.springframework.web.server.WebSession;

import dev.rollgate.controlplane.support.MutableClock;
import dev.rollgate.controlplane.support.TestDatabase;

/** The session store's own rules, against PostgreSQL, on a clock the test moves. */
class DatabaseWebSessionStoreTests {

    private static final Duration IDLE = Duration.ofMinutes(30);
    private static DatabaseClient db;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
    private final DatabaseWebSessionStore store = new DatabaseWebSessionStore(db, clock, IDLE);

    @BeforeAll
    static void database() {
        db = TestDatabase.client(TestDatabase.fresh("CONSOLE_STATE_TEST_DB", "rollgate_test_console_state"));
    }

    private WebSession saved(Map<String, Object> attributes) {
        WebSession session = store.createWebSession().block();
        session.getAttributes().putAll(attributes);
        session.save().block();
        return session;
    }

    @Test
    void expiresASessionNobodyUsedForItsIdleTime() {
        String id = saved(Map.of("seen", "yes")).getId();

        clock.advance(IDLE.minusSeconds(1));
        assertThat(store.retrieveSession(id).blockOptional()).as("used just in time").isPresent();
        clock.advance(IDLE.minusSeconds(1));
        assertThat(store.retrieveSession(id).blockOptional()).as("each use moves the expiry").isPresent();
        clock.advance(IDLE.plusSeconds(1));
        assertThat(store.retrieveSession(id).blockOptional()).as("idle too long").isEmpty();
        assertThat(store.deleteExpired().block()).isGreaterThanOrEqualTo(1L);
        assertThat(rows(id)).isZero();
    }

    @Test
    void endsASessionNobodySignedInToAfterAnHourWhateverTheIdleTime() {
        DatabaseWebSessionStore eightHours = new DatabaseWebSessionStore(db, clock, Duration.ofHours(8));
        WebSession visit = eightHours.createWebSession().block();
        visit.getAttributes().put("org.springframework.security.web.server.csrf.CsrfToken", "token");
        visit.save().block();
        WebSession signedIn = eightHours.createWebSession().block();
        signedIn.getAttributes().put("SPRING_SECURITY_CONTEXT", new SecurityContextImpl());
        signedIn.save().block();

        WebSession loginPage = eightHours.createWebSession().block();
        loginPage.getAttributes().put("org.springframework.security.web.server.csrf.CsrfToken", "token");
        loginPage.save().block();
        WebSession loggedIn = eightHours.retrieveSession(loginPage.getId()).block();
        loggedIn.getAttributes().put("SPRING_SECURITY_CONTEXT", new SecurityContextImpl());
        loggedIn.changeSessionId().block();
        loggedIn.save().block();

        clock.advance(DatabaseWebSessionStore.ANONYMOUS_IDLE.plusSeconds(1));

        assertThat(eightHours.retrieveSession(visit.getId()).blockOptional()).isEmpty();
        assertThat(eightHours.retrieveSession(signedIn.getId()).blockOptional()).isPresent();
        assertThat(eightHours.retrieveSession(loggedIn.getId()).blockOptional())
                .as("signing in on the login page's session gives it the full idle time").isPresent();
    }

    @Test
    void keepsTheSecurityContextAndMovesTheRowWhenTheIdChanges() {
        var user = User.withUsername("viola").password("").authorities("ROLE_VIEWER").build();
        var context = new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated(user, null,
                List.of(new SimpleGrantedAuthority("ROLE_VIEWER"))));
        WebSession session = saved(Map.of());
        String before = session.getId();
        session.getAttributes().put("SPRING_SECURITY_CONTEXT", context);
        session.changeSessionId().block();
        session.save().block();

        assertThat(rows(before)).as("the pre-login id no longer works").isZero();
        WebSession read = store.retrieveSession(session.getId()).block();
        assertThat(read.getAttributes().get("SPRING_SECURITY_CONTEXT")).isEqualTo(context);
    }

    @Test
    void doesNotBringBackASessionEndedElsewhereWhenAnOlderCopyIsSaved() {
        WebSession session = saved(Map.of("a", "1"));
        WebSession otherReplicasCopy = store.retrieveSession(session.getId()).block();
        session.invalidate().block();

        otherReplicasCopy.getAttributes().put("a", "2");
        otherReplicasCopy.save().block();

        assertThat(rows(session.getId())).isZero();
    }

    @Test
    void refusesToReadClassesTheConsoleNeverStores() throws Exception {
        byte[] foreign = SessionAttributes.encode(Map.of("x", new ObjectName("rollgate:type=anything")));
        assertThatThrownBy(() -> SessionAttributes.decode(foreign)).isInstanceOf(InvalidClassException.class);

        String id = saved(Map.of("a", "1")).getId();
        db.sql("update console_sessions set attributes = :bytes where id = :id").bind("bytes", foreign)
                .bind("id", id).then().block();
        assertThat(store.retrieveSession(id).blockOptional()).isEmpty();
        assertThat(rows(id)).as("an unreadable session is dropped").isZero();
    }

    private static long rows(String id) {
        return db.sql("select count(*) from console_sessions where id = :id").bind("id", id)
                .map(row -> row.get(0, Long.class)).one().block();
    }
}
