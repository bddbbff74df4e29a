package dev.rollgate.controlplane.platform.kubernetes;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Whether the API server answers, asked at most once per {@code ttl}: the health component and every release
 * start share one answer, so neither a tight health probe nor a burst of starts hammers the API server, and a
 * server that hangs costs each caller at most {@code timeout}.
 */
public class ClusterReachability {

    public static final Duration TIMEOUT = Duration.ofSeconds(2);
    public static final Duration TTL = Duration.ofSeconds(5);

    /** @param version the server's git version when it answered; @param error why not, for people, otherwise */
    public record Answer(String server, String version, String error) {

        public boolean reachable() {
            return error == null;
        }

        /** "the API server at https://… did not answer: Connection refused", for a refusal. */
        public String describe() {
            return reachable() ? "the API server at " + server + " answers (" + version + ")"
                    : "the API server at " + server + " " + error;
        }
    }

    private final Mono<Answer> cached;

    public ClusterReachability(KubernetesClient client) {
        this(client, TIMEOUT, TTL);
    }

    ClusterReachability(KubernetesClient client, Duration timeout, Duration ttl) {
        String server = String.valueOf(client.getMasterUrl());
        // /version needs no RBAC rule (public-info-viewer), so this asks "does it answer", not "may Rollgate act".
        this.cached = Mono.fromCallable(client::getKubernetesVersion)
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(timeout)
                .map(v -> new Answer(server, version(v), null))
                .onErrorResume(e -> Mono.just(new Answer(server, null, reason(e, timeout))))
                .cache(ttl);
    }

    public Mono<Answer> check() {
        return cached;
    }

    private static String version(VersionInfo v) {
        if (v == null) {
            return "unknown version";
        }
        return v.getGitVersion() != null ? v.getGitVersion() : v.getMajor() + "." + v.getMinor();
    }

    static String reason(Throwable e, Duration timeout) {
        if (e instanceof TimeoutException) {
            return "did not answer within " + timeout.toMillis() + " ms";
        }
        if (e instanceof KubernetesClientException k && k.getCode() > 0) {
            String message = k.getStatus() != null && k.getStatus().getMessage() != null
                    ? k.getStatus().getMessage() : k.getMessage();
            return "answered HTTP " + k.getCode() + ": " + message;
        }
        return "did not answer: " + rootCause(e);
    }

    /**
     * fabric8 wraps the cause of a failed call in "An error has occurred."; the cause is what people need. A root
     * without a message (the JDK client's ClosedChannelException) is named after the exception it caused.
     */
    static String rootCause(Throwable e) {
        Throwable root = e;
        Throwable above = null;
        while (root.getCause() != null && root.getCause() != root) {
            above = root;
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message != null && !message.isBlank()) {
            return root.getClass().getSimpleName() + ": " + message;
        }
        return above == null ? root.getClass().getSimpleName()
                : above.getClass().getSimpleName() + " (" + root.getClass().getSimpleName() + ")";
    }
}
