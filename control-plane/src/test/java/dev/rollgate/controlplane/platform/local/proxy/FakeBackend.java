package dev.rollgate.controlplane.platform.local.proxy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A real HTTP server standing in for a video-api instance. It tells what it saw in {@code X-Seen-*} headers and
 * answers {@code /echo} (body back), {@code /status/N}, {@code /slow?ms=N}, {@code /large?bytes=N} and
 * {@code /gated} (one chunk, then the rest once the test opens {@link #gate}).
 */
final class FakeBackend implements AutoCloseable {

    final String version;
    final Sinks.Empty<Void> gate = Sinks.empty();
    final AtomicLong requests = new AtomicLong();
    private final DisposableServer server;

    FakeBackend(String version) {
        this.version = version;
        this.server = HttpServer.create().host("127.0.0.1").port(0).handle(this::handle)
                .bindNow(Duration.ofSeconds(10));
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        requests.incrementAndGet();
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        HttpHeaders seen = request.requestHeaders();
        response.header("X-Version", version)
                .header("X-Backend-Header", "kept")
                .header("X-Seen-Method", request.method().name())
                .header("X-Seen-Uri", request.uri())
                .header("X-Seen-Headers", String.join(",", names(seen)));
        for (String name : List.of("Host", "X-Custom", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host")) {
            if (seen.contains(name)) {
                response.header("X-Seen-" + name, seen.get(name));
            }
        }
        String path = uri.path();
        if (path.startsWith("/echo")) {
            return response.send(request.receive().retain()).then();
        }
        if (path.startsWith("/status/")) {
            return response.status(Integer.parseInt(path.substring("/status/".length()))).sendString(Mono.just(version))
                    .then();
        }
        if (path.equals("/slow")) {
            long ms = Long.parseLong(param(uri, "ms", "1000"));
            return Mono.delay(Duration.ofMillis(ms)).then(response.sendString(Mono.just("slow")).then());
        }
        if (path.equals("/large")) {
            int bytes = Integer.parseInt(param(uri, "bytes", "0"));
            int chunk = 64 * 1024;
            response.header("Content-Length", Integer.toString(bytes));
            return response.send(Flux.range(0, (bytes + chunk - 1) / chunk)
                    .map(i -> filled(Math.min(chunk, bytes - i * chunk)))).then();
        }
        if (path.equals("/gated")) {
            Flux<ByteBuf> body = Flux.concat(Mono.just(utf8("first")), gate.asMono().then(Mono.just(utf8("rest"))));
            // Flush each chunk as it comes: what arrives early is the proxy's doing, not Netty's buffering.
            return response.send(body, b -> true).then();
        }
        return response.sendString(Mono.just("hello from " + version)).then();
    }

    private static List<String> names(HttpHeaders headers) {
        TreeSet<String> names = new TreeSet<>();
        for (Map.Entry<String, String> h : headers) {
            names.add(h.getKey().toLowerCase(Locale.ROOT));
        }
        return List.copyOf(names);
    }

    private static String param(QueryStringDecoder uri, String name, String fallback) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? fallback : values.get(0);
    }

    private static ByteBuf filled(int size) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) 'x');
        return Unpooled.wrappedBuffer(bytes);
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }
}
