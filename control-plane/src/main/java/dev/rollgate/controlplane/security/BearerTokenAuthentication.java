package dev.rollgate.controlplane.security;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

import dev.rollgate.controlplane.release.Actor;
import reactor.core.publisher.Mono;

/** Authorization: Bearer &lt;token&gt; checked against the stored hashes. */
final class BearerTokenAuthentication {

    private BearerTokenAuthentication() {
    }

    /** Before authentication it carries only the secret; afterwards only the principal. */
    static final class Token extends AbstractAuthenticationToken {
        private final transient String secret;
        private final ApiPrincipal principal;

        Token(String secret) {
            super(java.util.List.of());
            this.secret = secret;
            this.principal = null;
        }

        Token(ApiPrincipal principal) {
            super(principal.role().authorities());
            this.secret = null;
            this.principal = principal;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return principal;
        }

        @Override
        public String getName() {
            return principal == null ? "" : principal.name();
        }

        String secret() {
            return secret;
        }
    }

    static ServerAuthenticationConverter converter() {
        return (ServerWebExchange exchange) -> {
            String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
            if (header == null) {
                return Mono.empty();
            }
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Mono.error(new BadCredentialsException("Authorization must be 'Bearer <token>'"));
            }
            return Mono.just(new Token(header.substring(7).trim()));
        };
    }

    static ReactiveAuthenticationManager manager(TokenService tokens) {
        return (Authentication authentication) -> tokens.authenticate(((Token) authentication).secret())
                .switchIfEmpty(Mono.error(new BadCredentialsException("invalid or revoked API token")))
                .map(t -> (Authentication) new Token(new ApiPrincipal("token:" + t.name(), t.role(), Actor.Kind.API)));
    }
}
