package dev.rollgate.controlplane.security.console;

import java.net.URI;
import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.logout.RedirectServerLogoutSuccessHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter.Mode;

import dev.rollgate.controlplane.security.Role;
import reactor.core.publisher.Mono;

/**
 * The console's chain: a session per person, OAuth2/OIDC login when a provider is configured and form login
 * for local accounts otherwise, CSRF on every state-changing request, and headers that keep injected markup inert.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurityConfiguration {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConsoleSecurityConfiguration.class);

    /** No inline script or style anywhere: what an attacker manages to inject cannot run. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

    @Bean
    PasswordEncoder consolePasswordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    ConsoleAccounts consoleAccounts(DatabaseClient db, ConsoleProperties properties, PasswordEncoder encoder,
                                    Clock clock) {
        return new ConsoleAccounts(db, properties, encoder, clock);
    }

    @Bean
    RoleMapper consoleRoleMapper(ConsoleProperties properties) {
        return new RoleMapper(properties);
    }

    @Bean
    ReactiveOAuth2UserService<OidcUserRequest, OidcUser> consoleOidcUsers(RoleMapper mapper,
                                                                          ConsoleProperties properties) {
        return MappedUsers.oidc(mapper, properties.groupClaim());
    }

    @Bean
    ReactiveOAuth2UserService<OAuth2UserRequest, OAuth2User> consoleOAuth2Users(RoleMapper mapper,
                                                                                ConsoleProperties properties) {
        return MappedUsers.oauth2(mapper, properties.groupClaim());
    }

    /** Local accounts exist only when no identity provider is configured: one way in, not two. */
    @Bean
    ApplicationRunner consoleAdminAccount(ConsoleAccounts accounts,
                                          ObjectProvider<ReactiveClientRegistrationRepository> providers) {
        return args -> {
            if (providers.getIfAvailable() == null) {
                accounts.ensureAdmin();
            }
        };
    }

    @Bean
    @Order(2)
    SecurityWebFilterChain consoleSecurity(ServerHttpSecurity http, ConsoleAccounts accounts, DatabaseClient db,
                                           Clock clock,
                                           ObjectProvider<ReactiveClientRegistrationRepository> providers) {
        boolean oauth2 = providers.getIfAvailable() != null;
        RedirectServerLogoutSuccessHandler loggedOut = new RedirectServerLogoutSuccessHandler();
        loggedOut.setLogoutSuccessUrl(URI.create("/login?logout"));
        http
                .authorizeExchange(auth -> auth
                        .pathMatchers("/login", "/webjars/**", "/css/**", "/js/**", "/favicon.ico", "/favicon.svg")
                        .permitAll()
                        .pathMatchers("/tokens", "/tokens/**").hasRole(Role.ADMIN.name())
                        .pathMatchers("/releases/new", "/releases/*/confirm/**").hasRole(Role.RELEASE_MANAGER.name())
                        .pathMatchers(HttpMethod.GET, "/**").hasRole(Role.VIEWER.name())
                        .pathMatchers(HttpMethod.POST, "/logout").authenticated()
                        .pathMatchers(HttpMethod.POST, "/**").hasRole(Role.RELEASE_MANAGER.name())
                        .anyExchange().denyAll())
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessHandler(loggedOut))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CSP))
                        .frameOptions(frame -> frame.mode(Mode.DENY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)))
                .exceptionHandling(e -> e.accessDeniedHandler((exchange, denied) -> {
                    exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
                    return Mono.empty();
                }));
        if (oauth2) {
            RedirectServerAuthenticationFailureHandler denied = new RedirectServerAuthenticationFailureHandler(
                    "/login?denied");
            http.oauth2Login(login -> login.authenticationFailureHandler((exchange, e) -> {
                log.info("console login refused: {}", MappedUsers.printable(e.getMessage()));
                return denied.onAuthenticationFailure(exchange, e);
            }));
            http.formLogin(ServerHttpSecurity.FormLoginSpec::disable);
            http.exceptionHandling(e -> e.authenticationEntryPoint((exchange, ex) -> redirect(exchange, "/login")));
        } else {
            LoginThrottle throttled = new LoginThrottle(new org.springframework.security.authentication
                    .UserDetailsRepositoryReactiveAuthenticationManager(accounts), db, clock);
            RedirectServerAuthenticationFailureHandler wrong = new RedirectServerAuthenticationFailureHandler(
                    "/login?error");
            RedirectServerAuthenticationFailureHandler locked = new RedirectServerAuthenticationFailureHandler(
                    "/login?locked");
            http.formLogin(form -> form.loginPage("/login").authenticationManager(throttled)
                    .authenticationFailureHandler((exchange, e) -> e instanceof LockedException
                            ? locked.onAuthenticationFailure(exchange, e)
                            : wrong.onAuthenticationFailure(exchange, e)));
        }
        return http.build();
    }

    private static Mono<Void> redirect(org.springframework.web.server.ServerWebExchange exchange, String to) {
        exchange.getResponse().setStatusCode(HttpStatus.FOUND);
        exchange.getResponse().getHeaders().setLocation(URI.create(to));
        return Mono.empty();
    }
}
