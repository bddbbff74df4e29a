package dev.rollgate.controlplane.security.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

import reactor.core.publisher.Mono;

class LoginThrottleTests {

    private Instant now = Instant.parse("2026-12-01T12:00:00Z");
    private final AtomicInteger checked = new AtomicInteger();

    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    /** The password is "right"; anything else is bad credentials. */
    private final LoginThrottle throttle = new LoginThrottle(attempt -> {
        checked.incrementAndGet();
        return "right".equals(attempt.getCredentials())
                ? Mono.just(UsernamePasswordAuthenticationToken.authenticated(attempt.getName(), null, java.util.List.of()))
                : Mono.error(new BadCredentialsException("Invalid Credentials"));
    }, clock);

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
        now = now.plus(Duration.ofSeconds(61));
        assertThat(login("admin", "guess")).isEqualTo(BadCredentialsException.class);
        now = now.plus(Duration.ofSeconds(61));
        assertThat(login("admin", "right")).as("second lock lasts two minutes").isEqualTo(LockedException.class);
        now = now.plus(Duration.ofSeconds(61));
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
}
