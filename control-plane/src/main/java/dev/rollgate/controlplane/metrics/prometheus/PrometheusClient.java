package dev.rollgate.controlplane.metrics.prometheus;

import java.io.File;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import dev.rollgate.controlplane.metrics.prometheus.PrometheusProperties.Endpoint;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;

/** One Prometheus endpoint over its HTTP API: instant queries and a liveness check, each bounded by the timeout. */
final class PrometheusClient {

    private final String name;
    private final Endpoint endpoint;
    private final Duration timeout;
    private final WebClient web;

    PrometheusClient(String name, Endpoint endpoint) {
        this.name = name;
        this.endpoint = endpoint;
        this.timeout = endpoint.timeout();
        String base = endpoint.url().trim().replaceAll("/+$", "");
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        if (base.startsWith("https:")) {
            http = http.secure(spec -> {
                var builder = spec.sslContext(Http11SslContextSpec.forClient().configure(ssl -> {
                    if (endpoint.insecureSkipTlsVerify()) {
                        ssl.trustManager(InsecureTrustManagerFactory.INSTANCE);
                    } else if (PrometheusProperties.present(endpoint.caFile())) {
                        ssl.trustManager(new File(endpoint.caFile()));
                    }
                }));
                if (endpoint.insecureSkipTlsVerify()) {
                    // Trusting any certificate is pointless if the host name check still refuses it.
                    builder.handlerConfigurator(handler -> {
                        SSLEngine engine = handler.engine();
                        SSLParameters params = engine.getSSLParameters();
                        params.setEndpointIdentificationAlgorithm(null);
                        engine.setSSLParameters(params);
                    });
                }
            });
        }
        this.web = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .baseUrl(base)
                .defaultHeaders(this::authenticate)
                .build();
    }

    String name() {
        return name;
    }

    String url() {
        return endpoint.safeUrl();
    }

    Duration timeout() {
        return timeout;
    }

    /** The query's single value; empty for no data (empty vector, NaN, ±Inf); a {@link PrometheusException} else. */
    Mono<OptionalDouble> query(String promql) {
        return get("/api/v1/query?query={query}", promql)
                .map(answer -> QueryResults.value(answer.status(), answer.body()));
    }

    /** The server's version, proving it is up and answers its API (behind any auth in front of it). */
    Mono<String> version() {
        return get("/api/v1/status/buildinfo", null)
                .map(answer -> QueryResults.buildVersion(answer.status(), answer.body()));
    }

    private Mono<Answer> get(String path, String variable) {
        WebClient.RequestHeadersSpec<?> request = variable == null ? web.get().uri(path) : web.get().uri(path, variable);
        return request.accept(MediaType.APPLICATION_JSON)
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(body -> new Answer(response.statusCode().value(), body)))
                .timeout(timeout)
                .onErrorMap(e -> !(e instanceof PrometheusException), this::describe);
    }

    private PrometheusException describe(Throwable e) {
        if (e instanceof TimeoutException) {
            return new PrometheusException("no answer within " + format(timeout));
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new PrometheusException("cannot reach it: " + why);
    }

    private void authenticate(HttpHeaders headers) {
        if (PrometheusProperties.present(endpoint.bearerToken())) {
            headers.setBearerAuth(endpoint.bearerToken().trim());
        } else if (PrometheusProperties.present(endpoint.username())) {
            headers.setBasicAuth(endpoint.username(), endpoint.password() == null ? "" : endpoint.password());
        }
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public String toString() {
        return "PrometheusClient[" + name + " " + url() + "]";
    }

    private record Answer(int status, String body) {
    }
}
