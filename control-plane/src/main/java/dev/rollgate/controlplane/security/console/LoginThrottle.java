package dev.rollgate.controlplane.security.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;

import reactor.core.publisher.Mono;

/**
 * Slows password guessing against local accounts ("admin" is a well-known name): after {@link #FREE_FAILURES}
 * failures in a row an account is locked for a minute, doubling with each further failure up to a quarter of an
 * hour. The right password does not unlock it early; a successful login afterwards clears the count. The counts
 * live in PostgreSQL, so guesses spread over several replicas add up and a lock holds on all of them; failures
 * are forgotten {@link #FORGET_AFTER} after the last one, when {@link #forgetOld} deletes them.
 */
public final class LoginThrottle implements ReactiveAuthenticationManager {

    static final int FREE_FAILURES = 5;
    static final Duration FORGET_AFTER = Duration.ofDays(1);
    private static final Duration FIRST_LOCK = Duration.ofMinutes(1);
    private static final Duration LONGEST_LOCK = Duration.ofMinutes(15);

    /** One atomic statement, so two replicas counting the same account at once never lose a failure. */
    private static final String FAILED = """
            insert into console_login_failures as f (account, failures, locked_until, last_failure_at)
            values (:account, 1, null, :now)
            on conflict (account) do update set
                failures = f.failures + 1,
                last_failure_at = excluded.last_failure_at,
                locked_until = case when f.failures + 1 >= :free
                    then excluded.last_failure_at + make_interval(secs => least(
                        :first * power(2, least(f.failures + 1 - :free, 10)), :longest))
                    else f.locked_until end""";

    private final ReactiveAuthenticationManager delegate;
    private final DatabaseClient db;
    private final Clock clock;

    public LoginThrottle(ReactiveAuthenticationManager delegate, DatabaseClient db, Clock clock) {
        this.delegate = delegate;
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Mono<Authentication> authenticate(Authentication attempt) {
        String account = String.valueOf(attempt.getName()).toLowerCase(Locale.ROOT);
        return db.sql("select locked_until from console_login_failures where account = :account"
                        + " and locked_until > :now")
                .bind("account", account).bind("now", clock.instant())
                .map(row -> row.get("locked_until", Instant.class)).first()
                .flatMap(until -> Mono.<Authentication>error(
                        new LockedException("too many failed logins; try again later")))
                .switchIfEmpty(Mono.defer(() -> delegate.authenticate(attempt)
                        .flatMap(ok -> db.sql("delete from console_login_failures where account = :account")
                                .bind("account", account).then().thenReturn(ok))
                        .onErrorResume(BadCredentialsException.class,
                                e -> failed(account).then(Mono.error(e)))));
    }

    private Mono<Void> failed(String account) {
        return db.sql(FAILED).bind("account", account).bind("now", clock.instant()).bind("free", FREE_FAILURES)
                .bind("first", (double) FIRST_LOCK.toSeconds()).bind("longest", (double) LONGEST_LOCK.toSeconds())
                .then();
    }

    /**
     * Deletes the counts of accounts with no failure for {@link #FORGET_AFTER} and no lock running, so a flood
     * of made-up names leaves rows for a day at most; returns how many.
     */
    static Mono<Long> forgetOld(DatabaseClient db, Instant now) {
        return db.sql("delete from console_login_failures where last_failure_at < :cutoff"
                        + " and (locked_until is null or locked_until < :now)")
                .bind("cutoff", now.minus(FORGET_AFTER)).bind("now", now).fetch().rowsUpdated();
    }
}
