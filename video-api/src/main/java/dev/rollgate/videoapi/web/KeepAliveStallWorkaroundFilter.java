package dev.rollgate.videoapi.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Works around reactor-netty 1.3.6 stalling a keep-alive connection (reactor/reactor-netty#4361):
 * when a request arrives while the previous one is still terminating (typical after a response
 * written from a database thread), it is queued; if that queued request then completes
 * synchronously (/api/version, a 400, an injected 500), the server never reads from the
 * connection again and the client's next request hangs. Rollgate's proxy keeps connections
 * alive, so this matters. Handling every exchange off the event loop turns its response write,
 * and so its termination, into a later event-loop task, which re-arms the read. Remove once reactor-netty carries the fix
 * (not in 1.3.7; 1.3.8 needs Netty 4.2.19, see shared/STACK.md).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class KeepAliveStallWorkaroundFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return Mono.defer(() -> chain.filter(exchange)).subscribeOn(Schedulers.parallel());
    }
}
