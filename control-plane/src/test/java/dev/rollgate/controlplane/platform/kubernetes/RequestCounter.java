package dev.rollgate.controlplane.platform.kubernetes;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

/**
 * Records every request one client sends, as the API server's audit log would name its verb. It sits on that
 * client's HTTP stack because the mock server's own request log mixes every client's requests (the simulated
 * controller's included) and is drained by whoever reads it first.
 */
public final class RequestCounter implements Interceptor {

    public static final String INTERCEPTOR = "rollgate-request-counter";

    public enum Verb {
        GET, LIST, WATCH, CREATE, UPDATE, PATCH, DELETE, OTHER;

        public boolean write() {
            return this == CREATE || this == UPDATE || this == PATCH || this == DELETE;
        }
    }

    /**
     * @param path the request path without its query, e.g. {@code /apis/apps/v1/namespaces/ns/deployments/app-stable}
     * @param body what a write sent (the object, or the patch), null for reads: only writes keep theirs, so a long
     *             run of informer traffic costs no memory for bodies
     */
    public record Request(Verb verb, String method, String path, String body) {
        @Override
        public String toString() {
            return verb + " " + path;
        }
    }

    private final List<Request> requests = new ArrayList<>();

    /** Makes the client {@code builder} builds report to this counter; returns the builder. */
    public KubernetesClientBuilder attachTo(KubernetesClientBuilder builder) {
        return builder.withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor(INTERCEPTOR, this));
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        Verb verb = verb(request.method(), request.uri());
        Request r = new Request(verb, request.method(), request.uri().getRawPath(),
                verb.write() ? request.bodyString() : null);
        synchronized (requests) {
            requests.add(r);
        }
    }

    /** The requests from now on; windows let tests that share one client count only what they caused. */
    public Window window() {
        synchronized (requests) {
            return new Window(requests.size());
        }
    }

    /** Every request so far. */
    public List<Request> all() {
        return new Window(0).requests();
    }

    public final class Window {
        private final int from;

        private Window(int from) {
            this.from = from;
        }

        public List<Request> requests() {
            synchronized (RequestCounter.this.requests) {
                return List.copyOf(RequestCounter.this.requests.subList(from, RequestCounter.this.requests.size()));
            }
        }

        /** Creates, updates, patches and deletes. */
        public List<Request> writes() {
            return requests().stream().filter(r -> r.verb().write()).toList();
        }

        /** Only the requests whose path contains {@code fragment} (a namespace, a Deployment's name). */
        public List<Request> about(String fragment) {
            return requests().stream().filter(r -> r.path().contains(fragment)).toList();
        }

        public long count(Verb verb) {
            return requests().stream().filter(r -> r.verb() == verb).count();
        }

        public Map<Verb, Long> byVerb() {
            Map<Verb, Long> counts = new EnumMap<>(Verb.class);
            requests().forEach(r -> counts.merge(r.verb(), 1L, Long::sum));
            return counts;
        }
    }

    /**
     * GET splits into get (one object), list (a collection) and watch ({@code watch=true}). A path names one object
     * when a name follows the resource: {@code /api/v1/namespaces/ns/pods/p}, {@code /apis/g/v/namespaces/ns/r/n}.
     */
    static Verb verb(String method, URI uri) {
        return switch (method) {
            case "POST" -> Verb.CREATE;
            case "PUT" -> Verb.UPDATE;
            case "PATCH" -> Verb.PATCH;
            case "DELETE" -> Verb.DELETE;
            case "GET" -> {
                String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
                if (Arrays.asList(query.split("&")).contains("watch=true")) {
                    yield Verb.WATCH;
                }
                yield namesOneObject(uri.getRawPath()) ? Verb.GET : Verb.LIST;
            }
            default -> Verb.OTHER;
        };
    }

    private static boolean namesOneObject(String path) {
        List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).collect(Collectors.toList());
        int prefix = segments.isEmpty() ? 0 : switch (segments.get(0)) {
            case "api" -> 2;
            case "apis" -> 3;
            default -> segments.size();
        };
        List<String> rest = segments.subList(Math.min(prefix, segments.size()), segments.size());
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            rest = rest.subList(2, rest.size());
        }
        return rest.size() >= 2;
    }
}
