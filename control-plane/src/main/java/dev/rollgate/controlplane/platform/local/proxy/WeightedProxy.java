package dev.rollgate.controlplane.platform.local.proxy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.rollgate.controlplane.metrics.builtin.TrafficStats;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.platform.local.LocalBackends;
import dev.rollgate.controlplane.platform.local.LocalBackends.Backend;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The front door of one application in one environment: a streaming reverse proxy (on 127.0.0.1 unless told
 * otherwise) that sends each request to the stable or the canary instance by the current weights, and counts
 * every answer per track. The instances behind it are always on loopback.
 */
public final class WeightedProxy {

    public static final String TRACK_HEADER = "X-Rollgate-Track";
    public static final String CANARY_HEADER = "canary";

    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

    private final Target target;
    private final String bindAddress;
    private final LocalBackends backends;
    private final TrafficStats stats;
    private final HttpClient client;
    private final Duration responseTimeout;
    private final AtomicReference<Weights> weights = new AtomicReference<>(Weights.ALL_STABLE);
    private volatile DisposableServer server;

    /**
     * {@code client} is shared by all proxies (one connection pool) and already carries the response timeout;
     * {@code bindAddress} is the address the front door listens on.
     */
    public WeightedProxy(Target target, String bindAddress, LocalBackends backends, TrafficStats stats,
                         HttpClient client, Duration responseTimeout) {
        this.target = target;
        this.bindAddress = bindAddress;
        this.backends = backends;
        this.stats = stats;
        this.client = client;
        this.responseTimeout = responseTimeout;
    }

    public Target target() {
        return target;
    }

    public Weights weights() {
        return weights.get();
    }

    /** Applies to the next request: no restart, no dropped connection. */
    public void route(Weights next) {
        weights.set(next);
    }

    /** Binds the bind address's {@code port} (0: a free port) and returns the port bound. */
    public synchronized int start(int port) {
        if (server == null) {
            server = HttpServer.create()
                    .host(bindAddress)
                    .port(port)
                    .handle(this::handle)
                    .bindNow(BIND_TIMEOUT);
        }
        return server.port();
    }

    public Optional<Integer> port() {
        DisposableServer current = server;
        return current == null ? Optional.empty() : Optional.of(current.port());
    }

    /** Stops accepting, lets requests in flight finish for up to {@code drain}, then closes what is left. */
    public synchronized void stop(Duration drain) {
        DisposableServer current = server;
        server = null;
        if (current != null) {
            try {
                current.disposeNow(drain);
            } catch (IllegalStateException timedOut) {
                current.dispose();
            }
        }
    }

    Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        Optional<Backend> stable = backends.backend(target, Track.STABLE);
        Optional<Backend> canary = backends.backend(target, Track.CANARY);
        boolean forceCanary = "true".equalsIgnoreCase(request.requestHeaders().get(CANARY_HEADER));
        Optional<Track> track = TrackChooser.choose(weights.get(), stable.isPresent(), canary.isPresent(),
                forceCanary, ThreadLocalRandom.current().nextInt(100));
        if (track.isEmpty()) {
            return ProblemResponses.send(response, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "no instance of " + target.key() + " is ready to serve requests", Map.of());
        }
        Backend backend = (track.get() == Track.CANARY ? canary : stable).orElseThrow();
        return forward(request, response, track.get(), backend);
    }

    private Mono<Void> forward(HttpServerRequest request, HttpServerResponse response, Track track,
                               Backend backend) {
        long started = System.nanoTime();
        AtomicInteger status = new AtomicInteger(HttpResponseStatus.BAD_GATEWAY.code());
        HttpHeaders incoming = request.requestHeaders();
        HttpHeaders outgoing = new DefaultHttpHeaders();
        ForwardedHeaders.copyEndToEnd(incoming, outgoing);
        ForwardedHeaders.addForwarded(incoming, outgoing, request.remoteAddress());
        // The proxy has already answered any 100-continue itself; the backend must not be asked again.
        outgoing.remove(HttpHeaderNames.EXPECT);
        outgoing.set(HttpHeaderNames.HOST, "127.0.0.1:" + backend.port());

        HttpClient.RequestSender sender = client.headers(h -> h.set(outgoing))
                .request(request.method())
                .uri("http://127.0.0.1:" + backend.port() + request.uri());
        // Bodies stream through: retain() keeps each buffer alive from the inbound channel to the outbound one.
        HttpClient.ResponseReceiver<?> receiver = ForwardedHeaders.hasBody(incoming)
                ? sender.send((clientRequest, out) -> out.send(request.receive().retain()))
                : sender;
        return receiver.response((backendResponse, body) -> {
                    status.set(backendResponse.status().code());
                    response.status(backendResponse.status());
                    ForwardedHeaders.copyEndToEnd(backendResponse.responseHeaders(), response.responseHeaders());
                    response.header(TRACK_HEADER, track.id());
                    return response.send(body.retain()).then();
                })
                .then()
                .onErrorResume(e -> {
                    // Past the headers the client already has a status; all that is left is to cut the
                    // connection, and the truncated answer still counts against the track.
                    status.set(HttpResponseStatus.BAD_GATEWAY.code());
                    if (response.hasSentHeaders()) {
                        return Mono.error(e);
                    }
                    response.responseHeaders().clear();
                    response.header(TRACK_HEADER, track.id());
                    return ProblemResponses.send(response, HttpResponseStatus.BAD_GATEWAY,
                            "the " + track.id() + " instance of " + target.key() + " (version " + backend.version()
                                    + " on 127.0.0.1:" + backend.port() + ") did not answer: " + describe(e),
                            Map.of("track", track.id(), "version", String.valueOf(backend.version())));
                })
                .doFinally(signal -> {
                    // A client hanging up says nothing about the backend: only finished exchanges are counted.
                    if (signal != SignalType.CANCEL) {
                        stats.recordResponse(target, track, backend.version(), status.get(),
                                System.nanoTime() - started);
                    }
                });
    }

    private String describe(Throwable e) {
        if (e instanceof ReadTimeoutException || e instanceof TimeoutException) {
            return "no response within " + responseTimeout.toMillis() + " ms";
        }
        if (e instanceof PrematureCloseException) {
            return "connection closed before the response";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
