package dev.rollgate.controlplane.security.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;

import reactor.core.publisher.Mono;

/**
 * Slows password guessing against local accounts ("admin" is a well-known name): after {@link #FREE_FAILURES}
 * failures in a row an account is locked for a minute, doubling with each further failure up to a quarter of an
 * hour. The right password does not unlock it early; a successful login afterwards clears the count.
 */
public final class LoginThrottle implements ReactiveAuthenticationManager {

    static final int FREE_FAILURES = 5;
    private static final Duration FIRST_LOCK = Duration.ofMinutes(1);
    private static final Duration LONGEST_LOCK = Duration.ofMinutes(15);
    private static final int MAX_TRACKED = 10_000;

    private record Failures(int count, Instant lockedUntil) {
    }

    private final ReactiveAuthenticationManager delegate;
    private final Clock clock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    public LoginThrottle(ReactiveAuthenticationManager delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    @Override
    public Mono<Authentication> authenticate(Authentication attempt) {
        String account = String.valueOf(attempt.getName()).toLowerCase(Locale.ROOT);
        Failures seen = failures.get(account);
        if (seen != null && seen.lockedUntil() != null && clock.instant().isBefore(seen.lockedUntil())) {
            return Mono.error(new LockedException("too many failed logins; try again later"));
        }
        return delegate.authenticate(attempt)
                .doOnNext(ok -> failures.remove(account))
                .doOnError(BadCredentialsException.class, e -> failed(account));
    }

    private void failed(String account) {
        if (failures.size() >= MAX_TRACKED && !failures.containsKey(account)) {
            failures.clear(); // a flood of made-up names must not grow memory without bound
        }
        failures.compute(account, (name, before) -> {
            int count = before == null ? 1 : before.count() + 1;
            if (count < FREE_FAILURES) {
                return new Failures(count, null);
            }
            long doublings = Math.min(count - FREE_FAILURES, 10);
            Duration lock = FIRST_LOCK.multipliedBy(1L << doublings);
            return new Failures(count, clock.instant().plus(lock.compareTo(LONGEST_LOCK) > 0 ? LONGEST_LOCK : lock));
        });
    }
}
