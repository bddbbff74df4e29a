package dev.rollgate.controlplane.intake.github;

import dev.rollgate.controlplane.notify.github.GitHubProperties;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.rollgate.controlplane.policy.Policies;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /webhooks/github}. Nothing is parsed, stored or started before the signature over the raw bytes
 * checks out; every refusal is an RFC 9457 problem and counted by reason.
 */
@RestController
public class GitHubWebhookController {

    private static final Logger log = LoggerFactory.getLogger(GitHubWebhookController.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String REPLAYED = "X-Rollgate-Replayed";

    private final GitHubProperties properties;
    private final GitHubEvents events;
    private final GitHubIntake intake;
    private final DeliveryRepository deliveries;
    private final MeterRegistry meters;
    private final Clock clock;

    public GitHubWebhookController(GitHubProperties properties, Policies policies, GitHubIntake intake,
                                   DeliveryRepository deliveries, MeterRegistry meters, Clock clock) {
        this.properties = properties;
        this.events = new GitHubEvents(policies, properties.releaseEnvironment());
        this.intake = intake;
        this.deliveries = deliveries;
        this.meters = meters;
        this.clock = clock;
    }

    @PostMapping("/webhooks/github")
    public Mono<ResponseEntity<Object>> receive(ServerHttpRequest request) {
        if (!properties.webhookConfigured()) {
            return Mono.just(reject("not_configured", HttpStatus.SERVICE_UNAVAILABLE, "GitHub webhook not configured",
                    "the GitHub webhook is not configured: set ROLLGATE_GITHUB_WEBHOOK_SECRET", request));
        }
        MediaType type = request.getHeaders().getContentType();
        if (type == null || !MediaType.APPLICATION_JSON.equalsTypeAndSubtype(type)) {
            return Mono.just(reject("unsupported_media_type", HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Unsupported content type", "content type " + type + " is not accepted: set the webhook's"
                            + " \"Content type\" to application/json (form-encoded payloads are refused)", request));
        }
        // Unsigned requests are turned away before their body is read at all.
        if (request.getHeaders().getFirst("X-Hub-Signature-256") == null) {
            return Mono.just(reject("signature_missing", HttpStatus.UNAUTHORIZED, "Signature missing",
                    "X-Hub-Signature-256 is required; configure the webhook's secret", request));
        }
        long max = properties.maxBody().toBytes();
        if (request.getHeaders().getContentLength() > max) {
            return Mono.just(tooLarge(request, max));
        }
        return DataBufferUtils.join(request.getBody(), (int) max)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> verified(request, body))
                .onErrorResume(DataBufferLimitException.class, e -> Mono.just(tooLarge(request, max)));
    }

    private Mono<ResponseEntity<Object>> verified(ServerHttpRequest request, byte[] body) {
        String signature = request.getHeaders().getFirst("X-Hub-Signature-256");
        if (!WebhookSignature.verify(properties.webhookSecret(), body, signature)) {
            return Mono.just(reject("signature_invalid", HttpStatus.UNAUTHORIZED, "Signature invalid",
                    "X-Hub-Signature-256 does not match the body; check the webhook's secret", request));
        }
        String event = request.getHeaders().getFirst("X-GitHub-Event");
        String delivery = request.getHeaders().getFirst("X-GitHub-Delivery");
        if (event == null || delivery == null || delivery.isBlank() || delivery.length() > 100) {
            return Mono.just(reject("headers_missing", HttpStatus.BAD_REQUEST, "Invalid request",
                    "X-GitHub-Event and X-GitHub-Delivery are required", request));
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(body);
        } catch (JacksonException e) {
            payload = null;
        }
        if (payload == null || !payload.isObject()) {
            return Mono.just(reject("malformed_json", HttpStatus.BAD_REQUEST, "Invalid request",
                    "the body is not a JSON object", request));
        }
        Intent intent = events.interpret(event, payload);
        if (!(intent instanceof Intent.Start start)) {
            // Nothing to start: the answer is known now, so storing it is the claim (one statement, not two).
            GitHubIntake.Outcome outcome = intent instanceof Intent.Ignore ignore
                    ? GitHubIntake.Outcome.accepted(ignore.reason())
                    : new GitHubIntake.Outcome(200, Map.of("reason", "pong"));
            DeliveryRepository.Answer a = new DeliveryRepository.Answer(outcome.status(),
                    JSON.writeValueAsString(outcome.body()));
            return deliveries.record(delivery, event, a, clock.instant())
                    .flatMap(first -> first ? Mono.just(respond(a, false)) : replay(delivery, request))
                    .onErrorResume(e -> e instanceof DeliveryBatcher.Overloaded || e instanceof TimeoutException,
                            e -> Mono.just(busy(request, e)));
        }
        return deliveries.claim(delivery, event, start.ref(), start.deploymentId(), clock.instant())
                .flatMap(claimed -> claimed ? answer(delivery, start) : replay(delivery, request));
    }

    private Mono<ResponseEntity<Object>> answer(String delivery, Intent.Start start) {
        Mono<GitHubIntake.Outcome> outcome = intake.start(delivery, start);
        return outcome
                .flatMap(o -> {
                    DeliveryRepository.Answer a = new DeliveryRepository.Answer(o.status(),
                            JSON.writeValueAsString(o.body()));
                    return deliveries.answer(delivery, a, clock.instant()).thenReturn(respond(a, false));
                })
                .onErrorResume(e -> {
                    log.error("GitHub delivery {} failed; it can be redelivered", delivery, e);
                    return deliveries.release(delivery).onErrorComplete().thenReturn(problem(
                            HttpStatus.INTERNAL_SERVER_ERROR, "Delivery failed", "the delivery could not be"
                                    + " processed; redeliver it from GitHub", "/webhooks/github"));
                });
    }

    /** Same status and body as the first time; a request racing the first one waits for its answer. */
    private Mono<ResponseEntity<Object>> replay(String delivery, ServerHttpRequest request) {
        return deliveries.answered(delivery)
                .repeatWhenEmpty(attempts -> attempts.take(100).delayElements(Duration.ofMillis(100)))
                .<ResponseEntity<Object>>map(a -> respond(a, true))
                .switchIfEmpty(Mono.fromSupplier(() -> problem(HttpStatus.CONFLICT, "Delivery in progress",
                        "delivery " + delivery + " is still being processed; redeliver it later",
                        request.getPath().value())));
    }

    private static ResponseEntity<Object> respond(DeliveryRepository.Answer a, boolean replayed) {
        var builder = ResponseEntity.status(a.status()).contentType(MediaType.APPLICATION_JSON);
        if (replayed) {
            builder.header(REPLAYED, "true");
        }
        return builder.<Object>body(a.body());
    }

    /** GitHub redelivers a 5xx; Retry-After says when for clients that read it. */
    private ResponseEntity<Object> busy(ServerHttpRequest request, Throwable e) {
        log.warn("GitHub delivery refused for now: {}", e.getMessage() == null ? e.toString() : e.getMessage());
        ResponseEntity<Object> refused = reject("overloaded", HttpStatus.SERVICE_UNAVAILABLE, "Busy",
                "deliveries are arriving faster than they can be stored; deliver this one again later", request);
        return ResponseEntity.status(refused.getStatusCode()).headers(refused.getHeaders())
                .header("Retry-After", "5").body(refused.getBody());
    }

    private ResponseEntity<Object> tooLarge(ServerHttpRequest request, long max) {
        return reject("too_large", HttpStatus.CONTENT_TOO_LARGE, "Payload too large",
                "the body exceeds " + max + " bytes", request);
    }

    private ResponseEntity<Object> reject(String reason, HttpStatus status, String title, String detail,
                                     ServerHttpRequest request) {
        meters.counter("rollgate.github.webhook.rejected", "reason", reason).increment();
        log.debug("GitHub webhook refused ({}): {}", reason, detail);
        return problem(status, title, detail, request.getPath().value());
    }

    private static ResponseEntity<Object> problem(HttpStatus status, String title, String detail, String instance) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setInstance(URI.create(instance));
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).<Object>body(problem);
    }
}
