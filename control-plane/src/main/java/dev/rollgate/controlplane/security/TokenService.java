package dev.rollgate.controlplane.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.AuditEntry.Outcome;
import dev.rollgate.controlplane.release.AuditTrail;
import dev.rollgate.controlplane.release.ReleaseProblem;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Issues and checks API tokens. Secrets leave this class once, in the creation response, and are never stored. */
@Service
public class TokenService {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.regex.Pattern NAME =
            java.util.regex.Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$");
    public static final String NAME_RULE = "1 to 64 letters, digits, spaces, '.', '_' or '-'";

    private final ApiTokenRepository tokens;
    private final Clock clock;
    private final AuditTrail audit;
    private final TransactionalOperator tx;

    public TokenService(ApiTokenRepository tokens, Clock clock, AuditTrail audit, ReactiveTransactionManager txManager) {
        this.tokens = tokens;
        this.clock = clock;
        this.audit = audit;
        this.tx = TransactionalOperator.create(txManager);
    }

    public record Issued(ApiToken token, String secret) {
        @Override
        public String toString() {
            return "Issued[" + token + ", secret=***]";
        }
    }

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * The token and its audit entry are stored together: no token exists that the audit log does not show. A name
     * is unique among active tokens (a database index decides a race); taken, it is a CONFLICT problem.
     */
    public Mono<Issued> create(String name, Role role, Actor by) {
        String secret = newSecret();
        ApiToken token = new ApiToken(UUID.randomUUID(), name, role, by.toString(), clock.instant(), null);
        Mono<Issued> issue = tx.transactional(tokens.insert(token, hash(secret))
                .flatMap(saved -> audit.record(by, "TOKEN_CREATE", Outcome.ACCEPTED, null, null, null, null,
                        "token " + saved.id() + " '" + saved.name() + "' (" + saved.role().id() + ")")
                        .thenReturn(new Issued(saved, secret))));
        return tokens.nameTaken(name)
                .flatMap(taken -> taken ? Mono.<Issued>error(nameInUse(name)) : issue)
                .onErrorResume(DataIntegrityViolationException.class, e -> tokens.nameTaken(name)
                        .flatMap(taken -> Mono.error(taken ? nameInUse(name) : e)));
    }

    private static ReleaseProblem nameInUse(String name) {
        return ReleaseProblem.conflict("Token name in use", "an active token is already named '" + name
                + "' (or the name is reserved); revoke it first or choose another name", java.util.Map.of("name", name));
    }

    public Mono<ApiToken> authenticate(String secret) {
        if (secret == null || secret.isBlank() || secret.length() > 200) {
            return Mono.empty();
        }
        return tokens.findActiveByHash(hash(secret));
    }

    public Flux<ApiToken> list() {
        return tokens.list();
    }

    public Mono<Boolean> revoke(UUID id, Actor by) {
        return tx.transactional(tokens.revoke(id).flatMap(done -> done
                ? audit.record(by, "TOKEN_REVOKE", Outcome.ACCEPTED, null, null, null, null, "token " + id)
                        .thenReturn(true)
                : Mono.just(false)));
    }

    static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "rg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
