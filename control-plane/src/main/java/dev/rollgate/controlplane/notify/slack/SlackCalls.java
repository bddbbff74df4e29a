package dev.rollgate.controlplane.notify.slack;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.request.chat.ChatUpdateRequest;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.model.block.LayoutBlock;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * The few Web API calls Rollgate makes, made patient: a 429 waits what its Retry-After says, a network error or a
 * 5xx waits a doubling backoff, both a bounded number of times. An {@code ok:false} answer (bad channel, bad
 * token, ...) is final: asking again would get the same answer. The SDK is blocking, so calls run on
 * boundedElastic and waits are timers, never sleeping threads.
 */
public class SlackCalls {

    private static final Logger log = LoggerFactory.getLogger(SlackCalls.class);

    private final MethodsClient methods;
    private final SlackProperties properties;

    public SlackCalls(MethodsClient methods, SlackProperties properties) {
        this.methods = methods;
        this.properties = properties;
    }

    /** A posted message: where it is and its ts, which names it for updates and threads. */
    public record Posted(String channel, String ts) {
    }

    public Mono<Posted> post(String channel, String threadTs, String text, List<LayoutBlock> blocks) {
        ChatPostMessageRequest request = ChatPostMessageRequest.builder().channel(channel).threadTs(threadTs)
                .text(text).blocks(blocks).unfurlLinks(false).build();
        return call("chat.postMessage", () -> methods.chatPostMessage(request))
                .map((ChatPostMessageResponse r) -> new Posted(r.getChannel(), r.getTs()));
    }

    public Mono<Void> update(String channel, String ts, String text, List<LayoutBlock> blocks) {
        ChatUpdateRequest request = ChatUpdateRequest.builder().channel(channel).ts(ts).text(text).blocks(blocks)
                .build();
        return call("chat.update", () -> methods.chatUpdate(request)).then();
    }

    /** The user's e-mail address (needs users:read.email), or empty when Slack does not say. Tried once. */
    public Mono<String> email(String userId) {
        return Mono.fromCallable(() -> methods.usersInfo(r -> r.user(userId)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(r -> r.isOk() && r.getUser() != null && r.getUser().getProfile() != null
                        ? Mono.justOrEmpty(r.getUser().getProfile().getEmail()) : Mono.empty());
    }

    private <T extends SlackApiTextResponse> Mono<T> call(String method, Callable<T> call) {
        return Mono.fromCallable(call)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(response -> response.isOk() ? Mono.just(response)
                        : Mono.<T>error(new Refused(method, response.getError())))
                .retryWhen(Retry.from(signals -> signals.concatMap(signal -> {
                    long attempt = signal.totalRetries() + 1;
                    Duration wait = waitBefore(signal.failure(), attempt);
                    if (wait == null || attempt >= properties.attempts()) {
                        return Flux.error(signal.failure());
                    }
                    log.debug("slack {} failed ({}); retrying in {}", method, describe(signal.failure()), wait);
                    return Mono.delay(wait);
                })));
    }

    /** How long to wait before the next attempt, or null when retrying cannot help. */
    Duration waitBefore(Throwable failure, long attempt) {
        if (failure instanceof SlackApiException e) {
            int status = e.getResponse().code();
            if (status == 429) {
                Duration retryAfter = retryAfter(e.getResponse().header("Retry-After"));
                return retryAfter.compareTo(properties.maxRetryAfter()) > 0 ? null : retryAfter;
            }
            return status >= 500 ? backoff(attempt) : null;
        }
        if (failure instanceof Refused refused) {
            // Slack also reports rate limiting in the body of a 200 on some paths.
            return "ratelimited".equals(refused.error()) ? backoff(attempt) : null;
        }
        return failure instanceof IOException || failure instanceof java.io.UncheckedIOException
                ? backoff(attempt) : null;
    }

    private Duration backoff(long attempt) {
        Duration wait = properties.backoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        return wait.compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : wait;
    }

    static Duration retryAfter(String header) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header == null ? "1" : header.trim())));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }

    static String describe(Throwable failure) {
        if (failure instanceof SlackApiException e) {
            return "HTTP " + e.getResponse().code();
        }
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    /** Slack answered {@code ok:false}. The error code is safe to log; the request never is (it has no secrets). */
    public static final class Refused extends RuntimeException {
        private final String error;

        Refused(String method, String error) {
            super(method + " refused: " + error);
            this.error = error;
        }

        public String error() {
            return error;
        }
    }
}
