package dev.rollgate.controlplane.charts;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * fabric8's mock API server (CRUD mode) made fit for Helm's own client, so that {@code helm install} and
 * {@code helm upgrade} run against it through helm-java. client-go needs what the mock does not do, and this
 * dispatcher adds it in front of the mock's:
 * <ul>
 * <li>discovery ({@code /version}, {@code /api}, {@code /apis}, the resource lists) for the kinds the chart renders
 *     and the Secrets Helm keeps its releases in;</li>
 * <li>client-go's typed clients (Helm's release storage) send Secrets as protobuf: decoded to JSON here;</li>
 * <li>a response without a Content-Type is JSON (client-go would otherwise read it as the protobuf it sent), and
 *     a Secret list is a {@code SecretList}, not a {@code List} (typed decoding needs the kind);</li>
 * <li>merge patches are applied here (RFC 7386) and stored with an update: the mock's own merge appends to lists
 *     where RFC 7386 replaces them, and it answers 415 to a strategic merge patch (how Helm patches built-in kinds),
 *     applied as a JSON merge patch instead — the same for maps, while a list is replaced whole rather than merged
 *     by key.</li>
 * </ul>
 */
final class HelmApiServer implements AutoCloseable {

    private static final Map<String, List<String>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("v1", List.of("services/Service", "secrets/Secret", "configmaps/ConfigMap", "pods/Pod"));
        KINDS.put("apps/v1", List.of("deployments/Deployment"));
        KINDS.put("autoscaling/v2", List.of("horizontalpodautoscalers/HorizontalPodAutoscaler"));
        KINDS.put("networking.istio.io/v1", List.of("virtualservices/VirtualService", "destinationrules/DestinationRule"));
        KINDS.put("gateway.networking.k8s.io/v1", List.of("httproutes/HTTPRoute"));
        KINDS.put("monitoring.coreos.com/v1", List.of("servicemonitors/ServiceMonitor"));
    }

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    HelmApiServer() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new ForHelm(new KubernetesMixedDispatcher(responses)), false);
        server.init();
        client = server.createClient();
    }

    KubernetesClient client() {
        return client;
    }

    /** A kubeconfig for Helm, pointing at this server. */
    String kubeconfig() {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster:
                      server: http://localhost:%d
                users:
                  - name: helm
                    user:
                      token: not-checked
                contexts:
                  - name: mock
                    context: {cluster: mock, user: helm}
                current-context: mock
                """.formatted(server.getPort());
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    private static final class ForHelm extends Dispatcher {

        private final Dispatcher crud;

        ForHelm(Dispatcher crud) {
            this.crud = crud;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath().split("\\?", 2)[0];
            if ("GET".equals(request.getMethod())) {
                String discovery = discovery(path);
                if (discovery != null) {
                    return json(new MockResponse().setResponseCode(200).setBody(discovery));
                }
            }
            if ("PATCH".equals(request.getMethod()) && isMergePatch(request.getHeader("Content-Type"))) {
                return json(mergePatch(request, path));
            }
            MockResponse response = crud.dispatch(translated(request));
            if (response.getWebSocketListener() != null) {
                return response;
            }
            if ("GET".equals(request.getMethod()) && path.endsWith("/secrets") && response.code() == 200) {
                response.setBody(response.getBody().readUtf8().replaceFirst("\"kind\":\"List\"", "\"kind\":\"SecretList\""));
            }
            return response.header("Content-Type") == null ? json(response) : response;
        }

        private static MockResponse json(MockResponse response) {
            return response.setHeader("Content-Type", "application/json");
        }

        private static boolean isMergePatch(String type) {
            return type != null && (type.startsWith("application/merge-patch+json")
                    || type.startsWith("application/strategic-merge-patch+json"));
        }

        /** Reads the object, applies the patch to it and stores the result with an update. */
        private MockResponse mergePatch(RecordedRequest request, String path) {
            MockResponse current = crud.dispatch(request(HttpMethod.GET, path, request, new Buffer()));
            if (current.code() != 200) {
                return current;
            }
            Object merged = merge(JSON.unmarshal(current.getBody().readUtf8(), Map.class),
                    JSON.unmarshal(request.getBody().readUtf8(), Map.class));
            return crud.dispatch(request(HttpMethod.PUT, path, request,
                    new Buffer(JSON.asJson(merged).getBytes(StandardCharsets.UTF_8))));
        }

        private static RecordedRequest request(HttpMethod method, String path, RecordedRequest like, Buffer body) {
            return new RecordedRequest(method + " " + path + " HTTP/1.1", method, path,
                    like.getHeaders().newBuilder().set("Content-Type", "application/json").build(), body);
        }

        /**
         * RFC 7386: a member set to null is removed, an object merges into an object, anything else replaces.
         * Strategic merge patch directives ({@code $setElementOrder/...}, {@code $patch}) are left out.
         */
        @SuppressWarnings("unchecked")
        static Object merge(Object target, Object patch) {
            if (!(patch instanceof Map<?, ?> members)) {
                return patch;
            }
            Map<String, Object> result = target instanceof Map<?, ?> t
                    ? new LinkedHashMap<>((Map<String, Object>) t) : new LinkedHashMap<>();
            ((Map<String, Object>) members).forEach((key, value) -> {
                if (key.startsWith("$")) {
                    return;
                }
                if (value == null) {
                    result.remove(key);
                } else {
                    result.put(key, merge(result.get(key), value));
                }
            });
            return result;
        }

        private static RecordedRequest translated(RecordedRequest request) {
            String type = request.getHeader("Content-Type");
            if (type == null) {
                return request;
            }
            if (type.startsWith("application/vnd.kubernetes.protobuf")) {
                byte[] body = SecretProtobuf.toJson(request.getBody().getBytes()).getBytes(StandardCharsets.UTF_8);
                return new RecordedRequest(request.getRequestLine(), request.method(), request.getPath(),
                        request.getHeaders().newBuilder().set("Content-Type", "application/json").build(),
                        new Buffer(body));
            }
            return request;
        }

        private static String discovery(String path) {
            if (path.equals("/version")) {
                return JSON.asJson(Map.of("major", "1", "minor", "31", "gitVersion", "v" + VideoApiChart.KUBE_VERSION,
                        "platform", "linux/amd64"));
            }
            if (path.equals("/api")) {
                return JSON.asJson(Map.of("kind", "APIVersions", "versions", List.of("v1"), "serverAddressByClientCIDRs",
                        List.of(Map.of("clientCIDR", "0.0.0.0/0", "serverAddress", "localhost"))));
            }
            if (path.equals("/apis")) {
                List<Object> groups = new ArrayList<>();
                KINDS.keySet().stream().filter(gv -> gv.contains("/")).forEach(gv -> {
                    Map<String, String> version = Map.of("groupVersion", gv, "version", gv.substring(gv.indexOf('/') + 1));
                    groups.add(Map.of("name", gv.substring(0, gv.indexOf('/')), "versions", List.of(version),
                            "preferredVersion", version));
                });
                return JSON.asJson(Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", groups));
            }
            String groupVersion = path.startsWith("/api/") ? path.substring(5)
                    : path.startsWith("/apis/") ? path.substring(6) : null;
            List<String> kinds = groupVersion == null ? null : KINDS.get(groupVersion);
            if (kinds == null) {
                return null;
            }
            List<Object> resources = kinds.stream().map(k -> (Object) Map.of("name", k.split("/")[0], "singularName", "",
                    "namespaced", true, "kind", k.split("/")[1],
                    "verbs", List.of("create", "delete", "get", "list", "patch", "update", "watch"))).toList();
            return JSON.asJson(Map.of("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", groupVersion,
                    "resources", resources));
        }
    }

    /**
     * A v1 Secret in Kubernetes' protobuf encoding ({@code k8s\0}, then a runtime.Unknown whose field 2 is the
     * Secret) as JSON: the fields Helm's release storage writes — name, namespace, resourceVersion, labels,
     * annotations, data, type.
     */
    static final class SecretProtobuf {

        private record Field(int number, long varint, byte[] bytes) {
            String string() {
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }

        private SecretProtobuf() {
        }

        static String toJson(byte[] body) {
            byte[] raw = fields(Arrays.copyOfRange(body, 4, body.length)).stream().filter(f -> f.number() == 2)
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("no object in protobuf body")).bytes();
            SecretBuilder secret = new SecretBuilder();
            for (Field f : fields(raw)) {
                switch (f.number()) {
                    case 1 -> meta(secret, f.bytes());
                    case 2 -> {
                        Map.Entry<String, byte[]> e = entry(f.bytes());
                        secret.addToData(e.getKey(), Base64.getEncoder().encodeToString(e.getValue()));
                    }
                    case 3 -> secret.withType(f.string());
                    default -> throw new IllegalArgumentException("Secret field " + f.number() + " is not translated");
                }
            }
            return JSON.asJson(secret.build());
        }

        private static void meta(SecretBuilder secret, byte[] bytes) {
            var meta = secret.editOrNewMetadata();
            for (Field m : fields(bytes)) {
                switch (m.number()) {
                    case 1 -> meta.withName(m.string());
                    case 3 -> meta.withNamespace(m.string().isEmpty() ? null : m.string());
                    case 6 -> meta.withResourceVersion(m.string().isEmpty() ? null : m.string());
                    case 11 -> meta.addToLabels(entry(m.bytes()).getKey(), new String(entry(m.bytes()).getValue(),
                            StandardCharsets.UTF_8));
                    case 12 -> meta.addToAnnotations(entry(m.bytes()).getKey(), new String(entry(m.bytes()).getValue(),
                            StandardCharsets.UTF_8));
                    default -> { } // uid, creationTimestamp, managedFields: the server's to set
                }
            }
            meta.endMetadata();
        }

        private static Map.Entry<String, byte[]> entry(byte[] bytes) {
            String key = null;
            byte[] value = new byte[0];
            for (Field f : fields(bytes)) {
                if (f.number() == 1) {
                    key = f.string();
                } else if (f.number() == 2) {
                    value = f.bytes();
                }
            }
            return Map.entry(key, value);
        }

        private static List<Field> fields(byte[] b) {
            List<Field> fields = new ArrayList<>();
            int[] at = {0};
            while (at[0] < b.length) {
                long key = varint(b, at);
                int number = (int) (key >>> 3);
                switch ((int) (key & 7)) {
                    case 0 -> fields.add(new Field(number, varint(b, at), null));
                    case 2 -> {
                        int length = (int) varint(b, at);
                        fields.add(new Field(number, 0, Arrays.copyOfRange(b, at[0], at[0] + length)));
                        at[0] += length;
                    }
                    case 1 -> at[0] += 8;
                    case 5 -> at[0] += 4;
                    default -> throw new IllegalArgumentException("protobuf wire type " + (key & 7));
                }
            }
            return fields;
        }

        private static long varint(byte[] b, int[] at) {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                int x = b[at[0]++] & 0xff;
                value |= (long) (x & 0x7f) << shift;
                if (x < 0x80) {
                    return value;
                }
            }
        }
    }
}
