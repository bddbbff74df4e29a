package dev.rollgate.controlplane.security.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

import dev.rollgate.controlplane.support.MutableClock;
import dev.rollgate.controlplane.support.TestDatabase;
import reactor.core.publisher.Mono;

/** The lockout's rules, counted in PostgreSQL as every replica does. */
class LoginThrottleTests {

    private static DatabaseClient db;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
    private final AtomicInteger checked = new AtomicInteger();

    /** The password is "right"; anything else is bad credentials. */
    private final LoginThrottle throttle = new LoginThrottle(attempt -> {
        checked.incrementAndGet();
        return "right".equals(attempt.getCredentials())
                ? Mono.just(UsernamePasswordAuthenticationToken.authenticated(attempt.getName(), null, java.util.List.of()))
                : Mono.error(new BadCredentialsException("Invalid Credentials"));
    }, db, clock);

    @BeforeAll
    static void database() {
        db = TestDatabase.client(TestDatabase.fresh("CONSOLE_STATE_TEST_DB", "rollgate_test_console_state"));
    }

    @BeforeEach
    void noFailuresYet() {
        db.sql("delete from console_login_failures").then().block();
    }

    private Object login(String user, String password) {
        try {
            Authentication result = throttle.authenticate(
                    UsernamePasswordAuthenticationToken.unauthenticated(user, password)).block();
            return result != null && result.isAuthenticated() ? "ok" : "none";
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    @Test
    void locksAnAccountAfterFiveFailuresEvenAgainstTheRightPassword() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(login("admin", "guess" + i)).isEqualTo(BadCredentialsException.class);
        }
        int checksBefore = checked.get();
        assertThat(login("admin", "right")).isEqualTo(LockedException.class);
        assertThat(login("ADMIN", "right")).as("names differ only in case").isEqualTo(LockedException.class);
        assertThat(checked.get()).as("a locked account's password is not even checked").isEqualTo(checksBefore);
        assertThat(login("manny", "right")).as("other accounts are not affected").isEqualTo("ok");
    }

    @Test
    void unlocksAfterTheLockAndDoublesItOnTheNextFailure() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            login("admin", "guess");
        }
        clock.advance(Duration.ofSeconds(61));
        assertThat(login("admin", "guess")).isEqualTo(BadCredentialsException.class);
        clock.advance(Duration.ofSeconds(61));
        assertThat(login("admin", "right")).as("second lock lasts two minutes").isEqualTo(LockedException.class);
        clock.advance(Duration.ofSeconds(61));
        assertThat(login("admin", "right")).isEqualTo("ok");
    }

    @Test
    void forgetsEarlierFailuresAfterASuccessfulLogin() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES - 1; i++) {
            login("admin", "guess");
        }
        assertThat(login("admin", "right")).isEqualTo("ok");
        for (int i = 0; i < LoginThrottle.FREE_FAILURES - 1; i++) {
            assertThat(login("admin", "guess")).isEqualTo(BadCredentialsException.class);
        }
        assertThat(login("admin", "right")).isEqualTo("ok");
    }

    @Test
    void forgetsAnAccountsFailuresADayAfterItsLastOne() {
        login("admin", "guess");
        clock.advance(LoginThrottle.FORGET_AFTER.minusSeconds(1));
        login("manny", "guess");
        assertThat(LoginThrottle.forgetOld(db, clock.instant()).block()).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(LoginThrottle.forgetOld(db, clock.instant()).block()).isEqualTo(1);
        assertThat(db.sql("select account from console_login_failures").map(row -> row.get(0, String.class)).all()
                .collectList().block()).containsExactly("manny");
    }

    @Test
    void countsEveryFailureOfConcurrentAttempts() {
        reactor.core.publisher.Flux.range(0, 20)
                .flatMap(i -> throttle.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("admin", "g"))
                        .onErrorResume(e -> Mono.empty()), 20)
                .blockLast();
        assertThat(db.sql("select failures from console_login_failures where account = 'admin'")
                .map(row -> row.get(0, Long.class)).one().block())
                .as("some attempts pass the lock check together; none of their failures is lost")
                .isEqualTo((long) checked.get());
    }
}
