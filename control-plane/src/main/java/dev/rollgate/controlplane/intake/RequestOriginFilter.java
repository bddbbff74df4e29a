package dev.rollgate.controlplane.intake;

import java.net.InetSocketAddress;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.rollgate.controlplane.release.Origin;
import reactor.core.publisher.Mono;

/**
 * Puts the client address of every request into the Reactor context for the audit log. Behind a proxy, set
 * {@code server.forward-headers-strategy=framework} so this is the client's address and not the proxy's.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class RequestOriginFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        String address = remote == null ? null
                : remote.getAddress() == null ? remote.getHostString() : remote.getAddress().getHostAddress();
        return chain.filter(exchange).contextWrite(ctx -> Origin.into(ctx, address));
    }
}
