package dev.rollgate.controlplane.platform.local.proxy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/** Plain HTTP calls at a front port, answered as status, headers and body. */
final class ProxyClient {

    private final HttpClient client;

    ProxyClient(int port) {
        this("127.0.0.1", port);
    }

    ProxyClient(String host, int port) {
        this.client = HttpClient.create().baseUrl("http://" + host + ":" + port);
    }

    Reply get(String uri, Map<String, String> headers) {
        return call(HttpMethod.GET, uri, headers, null).block(Duration.ofSeconds(30));
    }

    Reply get(String uri) {
        return get(uri, Map.of());
    }

    Mono<Reply> call(HttpMethod method, String uri, Map<String, String> headers, byte[] body) {
        HttpClient.RequestSender sender = client.headers(h -> headers.forEach(h::set)).request(method).uri(uri);
        HttpClient.ResponseReceiver<?> receiver = body == null ? sender
                : sender.send(ByteBufFlux.fromString(Mono.just(new String(body, StandardCharsets.ISO_8859_1)),
                        StandardCharsets.ISO_8859_1, io.netty.buffer.ByteBufAllocator.DEFAULT));
        return receiver.responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                .map(bytes -> new Reply(response.status().code(), response.responseHeaders(), bytes)));
    }

    HttpClient raw() {
        return client;
    }

    record Reply(int status, HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name);
        }
    }
}
