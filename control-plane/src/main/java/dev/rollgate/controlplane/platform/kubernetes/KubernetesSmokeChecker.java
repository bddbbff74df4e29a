package dev.rollgate.controlplane.platform.kubernetes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.SmokeChecker;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Calls each smoke path on the track's own Service {@code <app>-<track>}, which selects that track's pods only, so
 * no other version can answer for the candidate and no user request reaches it. {@code in-cluster}: straight to
 * {@code http://<app>-<track>.<namespace>.svc:<port>}; {@code api-proxy}: through the API server's service proxy,
 * for a Rollgate outside the cluster. A 2xx passes; another status or an answer slower than {@link #TIMEOUT} is a
 * failed check; a Service that cannot be reached at all has not been checked (a transient error).
 */
public class KubernetesSmokeChecker implements SmokeChecker {

    /** Per path; the paths run side by side, so a check takes about this long however many paths there are. */
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final int CONCURRENCY = 4;

    /** One GET. An error means the Service could not be reached (or the API server refused to proxy for good). */
    interface Http {
        Mono<Answer> get(URI uri, Duration timeout);
    }

    /** @param note what the API server itself said (no endpoints, no such Service), or null when the track answered */
    record Answer(int status, String note) {
    }

    private final BiFunction<Target, Track, URI> service;
    private final Http http;
    private final Duration timeout;

    /** @param service the base URI smoke paths are appended to, for a target's track */
    KubernetesSmokeChecker(BiFunction<Target, Track, URI> service, Http http, Duration timeout) {
        this.service = service;
        this.http = http;
        this.timeout = timeout;
    }

    /** The checker of the configured {@code rollgate.kubernetes.smoke} mode. */
    public static KubernetesSmokeChecker of(KubernetesClient client, KubernetesProperties properties) {
        return properties.smoke() == KubernetesProperties.SmokeMode.API_PROXY
                ? new KubernetesSmokeChecker((t, track) -> proxyUri(client.getMasterUrl().toString(), t, track,
                properties), new ApiServerProxy(client), TIMEOUT)
                : new KubernetesSmokeChecker((t, track) -> inClusterUri(t, track, properties), direct(TIMEOUT), TIMEOUT);
    }

    /** {@code http://<app>-<track>.<namespace>.svc:<port>}: the Service's cluster DNS name. */
    static URI inClusterUri(Target target, Track track, KubernetesProperties properties) {
        return URI.create("http://" + DeploymentSpec.name(target, track) + "." + target.namespace() + ".svc:"
                + properties.environment(target.environment()).servicePort());
    }

    /**
     * The API server's service proxy for the track's Service. fabric8 8.0 has no DSL for the proxy subresource (a
     * ServiceResource offers {@code getURL}, which resolves to a cluster IP, node port or ingress, and
     * {@code portForward}, which reaches a single pod), so this one path is written here, after the Kubernetes API
     * reference ({@code GET /api/v1/namespaces/{ns}/services/{name}:{port}/proxy/{path}}), and sent with the
     * client's own HTTP client, which carries its credentials and TLS settings.
     */
    static URI proxyUri(String masterUrl, Target target, Track track, KubernetesProperties properties) {
        String base = masterUrl.endsWith("/") ? masterUrl : masterUrl + "/";
        return URI.create(base + "api/v1/namespaces/" + target.namespace() + "/services/"
                + DeploymentSpec.name(target, track) + ":" + properties.environment(target.environment()).servicePort()
                + "/proxy");
    }

    @Override
    public String platform() {
        return "kubernetes";
    }

    @Override
    public Mono<SmokeResult> check(Target target, Track track, List<String> paths) {
        URI base = service.apply(target, track);
        return Flux.fromIterable(paths)
                .flatMapSequential(path -> {
                    String p = path.startsWith("/") ? path : "/" + path;
                    URI uri = URI.create(base + p);
                    return Mono.defer(() -> http.get(uri, timeout)).timeout(timeout)
                            .map(answer -> verdict(p, answer))
                            .onErrorResume(e -> timedOut(e)
                                    ? Mono.just("GET " + p + " took longer than " + seconds(timeout))
                                    : Mono.error(unreachable(target, track, p, uri, e)));
                }, CONCURRENCY)
                .filter(failure -> !failure.isEmpty())
                .collectList()
                .map(failures -> new SmokeResult(paths.size(), failures));
    }

    private static String verdict(String path, Answer answer) {
        if (answer.status() >= 200 && answer.status() < 300) {
            return "";
        }
        return "GET " + path + " answered " + answer.status()
                + (answer.note() == null ? "" : " (the API server: " + answer.note() + ")");
    }

    private static Throwable unreachable(Target target, Track track, String path, URI uri, Throwable e) {
        if (e instanceof AdapterException) {
            return e;
        }
        return AdapterException.transientError("the " + track.id() + " Service of " + target.key()
                + " could not be reached for GET " + path + " at " + uri + ": " + ClusterReachability.rootCause(e));
    }

    /** A track that is too slow has failed; one whose connection cannot even be opened has not been checked. */
    static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            boolean slowAnswer = t instanceof HttpTimeoutException && !(t instanceof HttpConnectTimeoutException);
            if (slowAnswer || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** In-cluster: plain HTTP to the Service, no redirects followed (a 3xx is not a pass). */
    static Http direct(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return (uri, t) -> Mono.fromFuture(() -> client.sendAsync(HttpRequest.newBuilder(uri).GET().timeout(t)
                        .header("User-Agent", "rollgate-smoke").build(), HttpResponse.BodyHandlers.discarding()))
                .map(response -> new Answer(response.statusCode(), null));
    }

    /**
     * Through the API server. What it answers itself comes as a {@code Status} object: a refusal to proxy (401,
     * 403: Rollgate lacks {@code get services/proxy}) will not pass by retrying, so it is permanent; anything else
     * it says (no endpoints, no such Service) is the track's failure, with the API server's words beside it.
     */
    static final class ApiServerProxy implements Http {

        private final KubernetesClient client;

        ApiServerProxy(KubernetesClient client) {
            this.client = client;
        }

        @Override
        public Mono<Answer> get(URI uri, Duration timeout) {
            io.fabric8.kubernetes.client.http.HttpClient http = client.getHttpClient();
            return Mono.fromFuture(() -> http.sendAsync(http.newHttpRequestBuilder().uri(uri)
                            .header("User-Agent", "rollgate-smoke").build(), String.class))
                    .flatMap(response -> {
                        Status status = apiServerStatus(response.body());
                        String note = status == null ? null : status.getMessage();
                        if (status != null && (response.code() == 401 || response.code() == 403)) {
                            return Mono.error(AdapterException.permanent("the API server refused to proxy smoke"
                                    + " checks to " + uri + ": HTTP " + response.code() + " " + note
                                    + " (Rollgate needs get on services/proxy, or smoke: in-cluster)"));
                        }
                        return Mono.just(new Answer(response.code(), note));
                    });
        }

        private Status apiServerStatus(String body) {
            if (body == null || !body.contains("\"kind\":\"Status\"")) {
                return null;
            }
            try {
                return client.getKubernetesSerialization().unmarshal(body, Status.class);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }
}
