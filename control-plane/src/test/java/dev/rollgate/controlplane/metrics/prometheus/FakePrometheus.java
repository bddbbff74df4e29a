package dev.rollgate.controlplane.metrics.prometheus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import javax.net.ssl.SSLSocketFactory;

import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;

/**
 * A Prometheus HTTP API stand-in answering each query by its exact text with bodies in the API documentation's
 * format. The provider runs a gate's queries concurrently, so answers are matched by query, not by order.
 */
final class FakePrometheus implements AutoCloseable {

    private final MockWebServer server = new MockWebServer();
    private final Map<String, Supplier<MockResponse>> answers = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private volatile Supplier<MockResponse> otherwise = () -> json(200, resource("vector-empty.json"));

    FakePrometheus() {
        this(null);
    }

    /** Serves HTTPS with the given server socket factory's certificate when it is not null. */
    FakePrometheus(SSLSocketFactory https) {
        if (https != null) {
            server.useHttps(https, false);
        }
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.add(request);
                String query = request.getRequestUrl().queryParameter("query");
                Supplier<MockResponse> answer = query == null ? null : answers.get(query);
                return (answer == null ? otherwise : answer).get();
            }
        });
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL, optionally with a path prefix such as {@code /prometheus}. */
    String url(String prefix) {
        return server.url(prefix).toString();
    }

    String url() {
        return url("/");
    }

    FakePrometheus answer(String query, Supplier<MockResponse> response) {
        answers.put(query, response);
        return this;
    }

    FakePrometheus otherwise(Supplier<MockResponse> response) {
        otherwise = response;
        return this;
    }

    List<RecordedRequest> requests() {
        return requests;
    }

    List<String> queries() {
        return requests.stream().map(r -> r.getRequestUrl().queryParameter("query")).toList();
    }

    static Supplier<MockResponse> vector(String value) {
        return () -> json(200, resource("vector.json").replace("${value}", value));
    }

    static Supplier<MockResponse> scalar(String value) {
        return () -> json(200, resource("scalar.json").replace("${value}", value));
    }

    static Supplier<MockResponse> file(int status, String name) {
        return () -> json(status, resource(name));
    }

    static Supplier<MockResponse> text(int status, String body) {
        return () -> new MockResponse().setResponseCode(status).setHeader("Content-Type", "text/plain").setBody(body);
    }

    /** Accepts the connection and never answers. */
    static Supplier<MockResponse> silence() {
        return () -> new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE);
    }

    static MockResponse json(int status, String body) {
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body);
    }

    static String resource(String name) {
        try (InputStream in = FakePrometheus.class.getResourceAsStream("/prometheus/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource prometheus/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
