package dev.rollgate.controlplane.platform.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/** Plain HTTP GETs to a local instance: /ready for readiness, /health for the health gate, smoke paths. */
@Component
public class ReadinessProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1).build();

    Mono<Boolean> ready(int port) {
        return status(port, "/ready", TIMEOUT).map(s -> s == 200).onErrorReturn(false);
    }

    /** What GET /ready answered, body included; {@link Answer#NONE} when nothing answered (refused, timeout). */
    Mono<Answer> readiness(int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                .timeout(TIMEOUT).GET().build();
        return Mono.fromFuture(() -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .map(r -> new Answer(r.statusCode(), r.body()))
                .onErrorReturn(Answer.NONE);
    }

    /** One answer of /ready: status 0 when there was none. */
    record Answer(int status, String body) {
        static final Answer NONE = new Answer(0, null);

        boolean answered() {
            return status > 0;
        }

        boolean ready() {
            return status == 200;
        }
    }

    /** Status and the proxy's {@code X-Rollgate-Track} of GET {@code path} with {@code canary: true}. */
    public Mono<Preview> preview(int port, String path, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header(dev.rollgate.controlplane.platform.local.proxy.WeightedProxy.CANARY_HEADER, "true")
                .timeout(timeout).GET().build();
        return Mono.fromFuture(() -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .map(r -> new Preview(r.statusCode(), r.headers().firstValue(
                        dev.rollgate.controlplane.platform.local.proxy.WeightedProxy.TRACK_HEADER).orElse(null)));
    }

    /** What a preview request got back: the status, and which track answered it. */
    public record Preview(int status, String track) {
    }

    /** The status of GET {@code path}; errors (refused, timeout) are signalled. */
    public Mono<Integer> status(int port, String path, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(timeout).GET().build();
        return Mono.fromFuture(() -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .map(HttpResponse::statusCode);
    }
}
