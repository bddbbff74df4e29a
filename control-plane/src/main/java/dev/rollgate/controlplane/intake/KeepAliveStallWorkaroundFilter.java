package dev.rollgate.controlplane.intake;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Works around reactor-netty 1.3.6 stalling a keep-alive connection (reactor/reactor-netty#4361), as video-api's
 * filter of the same name does: a request queued behind one whose response was written from a database thread,
 * and which itself completes synchronously (a console page answering a bad filter, a 401, a ping), leaves the
 * connection unread, so the browser's next request on it hangs. Handling every exchange off the event loop makes
 * its response a later event-loop task, which re-arms the read. Remove once reactor-netty carries the fix.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class KeepAliveStallWorkaroundFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return Mono.defer(() -> chain.filter(exchange)).subscribeOn(Schedulers.parallel());
    }
}
