package dev.rollgate.controlplane.platform.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * What an adapter's client sent, bodies included (the mock server consumes them). Recorded on the client side, so
 * what a test does through its own client to arrange the cluster is not counted.
 */
final class ApiRequests implements Interceptor {

    record Request(String method, String path, String contentType, String body) {
        boolean write() {
            return !method.equals("GET");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private final Queue<Request> seen = new ConcurrentLinkedQueue<>();

    /** A client of {@code server} whose requests {@code this} records, without the client's own retries. */
    KubernetesClient client(KubernetesMockServer server) {
        return server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig()
                .withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("recorder", this)));
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String contentType = request instanceof StandardHttpRequest s ? s.getContentType()
                : request.header("Content-Type");
        seen.add(new Request(request.method(), request.uri().getPath(), contentType, request.bodyString()));
    }

    /** The requests since the last call. */
    List<Request> drain() {
        List<Request> all = new ArrayList<>();
        for (Request r; (r = seen.poll()) != null; ) {
            all.add(r);
        }
        return all;
    }

    /** The writes since the last call, as "METHOD path". */
    List<String> writes() {
        return drain().stream().filter(Request::write).map(Request::toString).toList();
    }

    /** The writes since the last call whose path starts with {@code prefix}. */
    List<Request> writesTo(String prefix) {
        return drain().stream().filter(r -> r.write() && r.path().startsWith(prefix)).toList();
    }
}
