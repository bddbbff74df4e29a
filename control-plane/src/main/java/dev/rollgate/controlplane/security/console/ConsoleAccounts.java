package dev.rollgate.controlplane.security.console;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;

import dev.rollgate.controlplane.security.Role;
import reactor.core.publisher.Mono;

/**
 * Local console accounts for form login: the {@code admin} account (its password from ROLLGATE_ADMIN_PASSWORD, or
 * generated on the very first start and written once to standard output, never to the log) and any extra
 * accounts from {@code rollgate.console.users}. Only password hashes are stored.
 */
public class ConsoleAccounts implements ReactiveUserDetailsService {

    private static final Logger log = LoggerFactory.getLogger(ConsoleAccounts.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String ADMIN = "admin";

    private final DatabaseClient db;
    private final ConsoleProperties properties;
    private final PasswordEncoder encoder;
    private final Clock clock;
    private final PrintStream console;

    public ConsoleAccounts(DatabaseClient db, ConsoleProperties properties, PasswordEncoder encoder, Clock clock) {
        this.db = db;
        this.properties = properties;
        this.encoder = encoder;
        this.clock = clock;
        this.console = System.out;
        properties.users().forEach((name, user) -> Role.parse(user.role()).orElseThrow(() -> new IllegalStateException(
                "rollgate.console.users." + name + ".role: unknown role '" + user.role() + "'")));
    }

    @Override
    public Mono<UserDetails> findByUsername(String username) {
        var configured = properties.users().get(username);
        if (configured != null && configured.password() != null) {
            return Mono.just(User.withUsername(username).password(configured.password())
                    .authorities(Role.parse(configured.role()).orElseThrow().authorities()).build());
        }
        return db.sql("select username, password_hash, role from console_users where username = :u")
                .bind("u", username)
                .map(row -> User.withUsername(row.get("username", String.class))
                        .password(row.get("password_hash", String.class))
                        .authorities(Role.parse(row.get("role", String.class)).orElse(Role.VIEWER).authorities())
                        .build())
                .one();
    }

    /** Makes sure the admin can log in; prints a generated password once, on the first start only. */
    public void ensureAdmin() {
        String configured = properties.adminPassword();
        if (configured != null && !configured.isBlank()) {
            upsertAdmin(encoder.encode(configured)).block();
            log.info("console admin password taken from ROLLGATE_ADMIN_PASSWORD");
            return;
        }
        Long existing = db.sql("select count(*) as n from console_users where username = :u").bind("u", ADMIN)
                .map(row -> row.get("n", Long.class)).one().block();
        if (existing != null && existing > 0) {
            return;
        }
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Long inserted = db.sql("insert into console_users (username, password_hash, role, created_at)"
                        + " values (:u, :h, :r, :at) on conflict (username) do nothing")
                .bind("u", ADMIN).bind("h", encoder.encode(password)).bind("r", Role.ADMIN.id())
                .bind("at", clock.instant()).fetch().rowsUpdated().block();
        if (inserted == null || inserted == 0) {
            return; // another replica created it first and printed its own password
        }
        console.println("""

                ================================================================================
                 Rollgate console: log in at /login as 'admin' with this generated password.
                 It is shown this once; store it now:

                   %s

                 Set ROLLGATE_ADMIN_PASSWORD to choose your own instead.
                ================================================================================
                """.formatted(password));
    }

    private Mono<Void> upsertAdmin(String hash) {
        return db.sql("insert into console_users (username, password_hash, role, created_at) values (:u, :h, :r, :at)"
                        + " on conflict (username) do update set password_hash = excluded.password_hash")
                .bind("u", ADMIN).bind("h", hash).bind("r", Role.ADMIN.id()).bind("at", clock.instant())
                .then();
    }
}
