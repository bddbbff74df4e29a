package dev.rollgate.controlplane.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import org.springframework.stereotype.Service;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Issues and checks API tokens. Secrets leave this class once, in the creation response, and are never stored. */
@Service
public class TokenService {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiTokenRepository tokens;
    private final Clock clock;

    public TokenService(ApiTokenRepository tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    public record Issued(ApiToken token, String secret) {
        @Override
        public String toString() {
            return "Issued[" + token + ", secret=***]";
        }
    }

    public Mono<Issued> create(String name, Role role, String createdBy) {
        String secret = newSecret();
        ApiToken token = new ApiToken(UUID.randomUUID(), name, role, createdBy, clock.instant(), null);
        return tokens.insert(token, hash(secret)).map(saved -> new Issued(saved, secret));
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

    public Mono<Boolean> revoke(UUID id) {
        return tokens.revoke(id);
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
