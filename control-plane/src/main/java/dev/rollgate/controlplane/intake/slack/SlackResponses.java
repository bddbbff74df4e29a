package dev.rollgate.controlplane.intake.slack;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.rollgate.controlplane.notify.slack.SlackProperties;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

/**
 * Answers a click through its {@code response_url}: Slack ignores the body of the HTTP answer to a block_actions
 * request, so the ephemeral message for the clicking user is POSTed there instead. Only to a URL whose scheme and
 * host {@code rollgate.slack.response-url-hosts} allows (default https://hooks.slack.com), never following
 * redirects. Fire and forget: a bounded connection pool, a timeout per attempt, two retries for a network error,
 * timeout, 429 or 5xx; a failure is logged with the URL's host only (the rest of a response_url is a credential for
 * posting into the channel) and never touches the command.
 */
@Component
public class SlackResponses implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SlackResponses.class);
    static final int RETRIES = 2;
    private static final int CONNECTIONS = 8;
    /** Posts waiting for a connection beyond this fail at once instead of piling up. */
    private static final int PENDING = 64;

    private final SlackProperties properties;
    private final ConnectionProvider pool;
    private final WebClient web;

    public SlackResponses(SlackProperties properties) {
        this.properties = properties;
        this.pool = ConnectionProvider.builder("slack-response-url").maxConnections(CONNECTIONS)
                .pendingAcquireMaxCount(PENDING).pendingAcquireTimeout(properties.timeout())
                .maxIdleTime(Duration.ofSeconds(30)).build();
        HttpClient http = HttpClient.create(pool).followRedirect(false).responseTimeout(properties.timeout())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, properties.timeout().toMillis()));
        this.web = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
    }

    /**
     * Runs {@code answer} (the command and its outcome as text) in the background and POSTs the text to
     * {@code responseUrl} when that is allowed. The answer runs even when it is not: the click was signed by Slack,
     * only where to say the result is in doubt, and the release's own message shows it to everyone anyway.
     */
    public void reply(String responseUrl, Mono<String> answer) {
        URI target = allowed(responseUrl);
        answer.flatMap(text -> target == null ? Mono.<Void>empty() : post(target, text))
                .subscribe(null, e -> log.warn("slack answer failed: {}", e.getClass().getSimpleName()));
    }

    /** The URL when Rollgate may POST to it, else null (logged). */
    URI allowed(String responseUrl) {
        if (responseUrl == null) {
            log.info("slack click without a response_url: the clicking user sees no answer");
            return null;
        }
        URI uri;
        try {
            uri = new URI(responseUrl.trim());
        } catch (URISyntaxException e) {
            log.warn("slack response_url is not a URL; not answering there");
            return null;
        }
        if (!properties.allowsResponseUrl(uri)) {
            log.warn("slack response_url on {}://{} is not allowed by rollgate.slack.response-url-hosts;"
                    + " not answering there", uri.getScheme(), uri.getHost());
            return null;
        }
        return uri;
    }

    /** One ephemeral message, retried; completes empty whatever happens (failures are logged). */
    Mono<Void> post(URI target, String text) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("response_type", "ephemeral");
        body.put("replace_original", false);
        body.put("text", text);
        return Mono.defer(() -> web.post().uri(target).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                        .retrieve().toBodilessEntity().timeout(properties.timeout()))
                .retryWhen(Retry.backoff(RETRIES, properties.backoff()).maxBackoff(properties.maxBackoff())
                        .filter(SlackResponses::retryable)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                .doOnSuccess(r -> log.debug("slack response_url on {} answered {}", target.getHost(),
                        r.getStatusCode()))
                .then()
                .onErrorResume(e -> {
                    log.warn("slack response_url on {} failed, the user sees no answer: {}", target.getHost(),
                            describe(e));
                    return Mono.empty();
                });
    }

    static boolean retryable(Throwable failure) {
        if (failure instanceof WebClientResponseException e) {
            return e.getStatusCode().value() == 429 || e.getStatusCode().is5xxServerError();
        }
        return failure instanceof WebClientRequestException || failure instanceof TimeoutException;
    }

    /** Status or exception type, never a message: those of WebClient's exceptions contain the whole URL. */
    static String describe(Throwable failure) {
        if (failure instanceof WebClientResponseException e) {
            return "HTTP " + e.getStatusCode().value();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + " (" + root.getClass().getSimpleName() + ")";
    }

    @Override
    public void destroy() {
        pool.dispose();
    }
}
