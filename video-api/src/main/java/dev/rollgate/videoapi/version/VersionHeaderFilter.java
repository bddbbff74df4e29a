package dev.rollgate.videoapi.version;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/** Lets a client behind Rollgate's weighted router see which track answered it. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class VersionHeaderFilter implements WebFilter {

    static final String HEADER = "X-App-Version";

    private final String version;

    VersionHeaderFilter(AppVersion appVersion) {
        this.version = appVersion.version();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        // Set just before commit: error handlers may rebuild the response's headers after this filter ran.
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().set(HEADER, version);
            return Mono.empty();
        });
        return chain.filter(exchange);
    }
}
