package dev.rollgate.controlplane.web;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/** What every console page needs: the CSRF token (forms and htmx send it back) and who is looking. */
@ControllerAdvice(basePackageClasses = ConsoleAdvice.class)
public class ConsoleAdvice {

    @ModelAttribute("csrf")
    public Mono<CsrfToken> csrf(ServerWebExchange exchange) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        return token == null ? Mono.empty() : token;
    }

    @ModelAttribute("me")
    public Mono<ConsoleUser> me() {
        return ReactiveSecurityContextHolder.getContext().map(SecurityContext::getAuthentication)
                .filter(Authentication::isAuthenticated)
                .filter(a -> !(a instanceof org.springframework.security.authentication.AnonymousAuthenticationToken))
                .map(ConsoleUser::of);
    }
}
