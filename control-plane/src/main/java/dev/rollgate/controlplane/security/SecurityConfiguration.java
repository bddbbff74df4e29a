package dev.rollgate.controlplane.security;

import java.nio.charset.StandardCharsets;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.core.Authentication;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/** API security: bearer tokens, roles per route, RFC 9457 bodies for 401 and 403. The console has its own chain. */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    /** Paths that belong to machines (bearer tokens, signatures, probes); everything else is the console. */
    static final String[] MACHINE_PATHS = {"/api/**", "/webhooks/**", "/actuator/**", "/v3/api-docs", "/v3/api-docs/**",
        "/swagger-ui.html", "/swagger-ui/**"};

    @Bean
    @Order(1)
    SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, TokenService tokens) {
        AuthenticationWebFilter bearer = new AuthenticationWebFilter(BearerTokenAuthentication.manager(tokens));
        bearer.setServerAuthenticationConverter(BearerTokenAuthentication.converter());
        bearer.setAuthenticationFailureHandler((exchange, e) ->
                problem(exchange.getExchange(), HttpStatus.UNAUTHORIZED, e.getMessage()));
        bearer.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        return http
                .securityMatcher(ServerWebExchangeMatchers.pathMatchers(MACHINE_PATHS))
                // Bearer tokens and signatures are not sent by browsers on their own, so CSRF cannot forge them.
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                // Machines have no sessions: the default request cache would create one (and hop threads to
                // generate its id) on every call just to look for a saved request.
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .addFilterAt(bearer, SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(auth -> auth
                        .pathMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus",
                                "/actuator/info", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html",
                                "/swagger-ui/**").permitAll()
                        // Webhooks authenticate themselves by signature (GitHub HMAC, Slack signing secret).
                        .pathMatchers(HttpMethod.POST, "/webhooks/**").permitAll()
                        .pathMatchers("/api/tokens", "/api/tokens/**").hasRole(Role.ADMIN.name())
                        .pathMatchers(HttpMethod.GET, "/api/**").hasRole(Role.VIEWER.name())
                        .pathMatchers("/api/**").hasRole(Role.RELEASE_MANAGER.name())
                        .anyExchange().denyAll())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((exchange, ex) -> problem(exchange, HttpStatus.UNAUTHORIZED,
                                "an API token is required: Authorization: Bearer <token>"))
                        .accessDeniedHandler((exchange, ex) -> exchange.getPrincipal()
                                .map(p -> p instanceof Authentication a && a.getPrincipal() instanceof ApiPrincipal c
                                        ? c.role().id() : "unknown")
                                .defaultIfEmpty("unknown")
                                .flatMap(role -> problem(exchange, HttpStatus.FORBIDDEN, forbidden(exchange, role)))))
                .build();
    }

    /** Says which role the route needs, mirroring the rules above, so the caller knows which token to ask for. */
    static String forbidden(ServerWebExchange exchange, String callerRole) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        Role needed = path.equals("/api/tokens") || path.startsWith("/api/tokens/") ? Role.ADMIN
                : exchange.getRequest().getMethod() == HttpMethod.GET ? Role.VIEWER : Role.RELEASE_MANAGER;
        return exchange.getRequest().getMethod() + " " + path + " needs the " + needed.id()
                + " role (or one above it); this token has the " + callerRole + " role";
    }

    static Mono<Void> problem(ServerWebExchange exchange, HttpStatus status, String detail) {
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.getHeaders().set("WWW-Authenticate", "Bearer realm=\"rollgate\"");
        }
        String body = "{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":"
                + status.value() + ",\"detail\":\"" + escape(detail) + "\",\"instance\":\""
                + escape(exchange.getRequest().getPath().value()) + "\"}";
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8))));
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : (s == null ? "" : s).toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
