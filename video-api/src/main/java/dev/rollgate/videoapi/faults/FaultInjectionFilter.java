package dev.rollgate.videoapi.faults;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Slows down and fails /api/** only: probes and metrics stay truthful, so Rollgate sees the
 * bad candidate through the same signals it would see in a real incident.
 */
class FaultInjectionFilter implements WebFilter, Ordered {

    private static final PathPattern API = PathPatternParser.defaultInstance.parse("/api/**");

    private final FaultSettings settings;
    private final DoubleSupplier random;
    private final JsonMapper jsonMapper;
    private final HandlerMapping routes;

    FaultInjectionFilter(FaultSettings settings, DoubleSupplier random, JsonMapper jsonMapper, HandlerMapping routes) {
        this.settings = settings;
        this.random = random;
        this.jsonMapper = jsonMapper;
        this.routes = routes;
    }

    @Override
    public int getOrder() {
        // After the version header filter, so injected failures still say which version produced them.
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!settings.injectsFaults() || !API.matches(exchange.getRequest().getPath().pathWithinApplication())) {
            return chain.filter(exchange);
        }
        // Mono.delay waits on a timer instead of holding a server thread, so a slow /api never slows /health or /ready.
        Mono<Void> delay = settings.latency().isZero() ? Mono.empty() : Mono.delay(settings.latency()).then();
        return delay.then(Mono.defer(() -> random.getAsDouble() < settings.errorRate()
                ? routeThenFail(exchange)
                : chain.filter(exchange)));
    }

    /**
     * Looks the route up without invoking it: that records the route's pattern for
     * http.server.requests, so an injected 500 is counted under uri="/api/..." like a real one
     * instead of under "UNKNOWN", where a per-route gate would never see it.
     */
    private Mono<Void> routeThenFail(ServerWebExchange exchange) {
        return routes.getHandler(exchange)
                .onErrorResume(noRoute -> Mono.empty())
                .then(Mono.defer(() -> writeInjectedError(exchange)));
    }

    private Mono<Void> writeInjectedError(ServerWebExchange exchange) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.INTERNAL_SERVER_ERROR);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", HttpStatus.INTERNAL_SERVER_ERROR.getReasonPhrase());
        problem.put("status", HttpStatus.INTERNAL_SERVER_ERROR.value());
        problem.put("detail", "Injected fault (" + FaultSettings.ERROR_RATE + ")");
        problem.put("instance", exchange.getRequest().getPath().value());
        byte[] body = jsonMapper.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }
}
