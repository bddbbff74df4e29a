package dev.rollgate.controlplane.intake.slack;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.rollgate.controlplane.intake.slack.SlackActions.Action;
import dev.rollgate.controlplane.notify.slack.SlackCalls;
import dev.rollgate.controlplane.notify.slack.SlackProperties;
import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.Command;
import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.security.Role;
import reactor.core.publisher.Mono;

/**
 * Slack's Interactivity Request URL: the Promote and Rollback buttons of Rollgate's messages. The signature is
 * checked on the raw bytes before anything is parsed. A signed click is acknowledged at once with an empty 200
 * (Slack wants one within 3 s and ignores the body for block_actions); the command then runs and its outcome goes
 * to the click's response_url as an ephemeral message, seen only by the clicking user ({@link SlackResponses}).
 * The release's own message shows what happened for everyone.
 */
@RestController
public class SlackActionsController {

    private static final Logger log = LoggerFactory.getLogger(SlackActionsController.class);
    /**
     * How long a command may take before the user is told it is still being worked on. The HTTP answer does not
     * wait for it (Slack wants one within 3 s); a response_url takes messages for 30 minutes.
     */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);
    private static final Duration EMAIL_LOOKUP = Duration.ofMillis(800);

    private final SlackProperties properties;
    private final ReleaseService releases;
    private final ObjectProvider<SlackCalls> slack;
    private final SlackActions parser;
    private final SlackResponses responses;
    private final Clock clock;
    private final Duration answerWithin;

    @Autowired
    public SlackActionsController(SlackProperties properties, ReleaseService releases,
                                  ObjectProvider<SlackCalls> slack, SlackActions parser, SlackResponses responses,
                                  Clock clock) {
        this(properties, releases, slack, parser, responses, clock, ANSWER_WITHIN);
    }

    SlackActionsController(SlackProperties properties, ReleaseService releases, ObjectProvider<SlackCalls> slack,
                           SlackActions parser, SlackResponses responses, Clock clock, Duration answerWithin) {
        this.answerWithin = answerWithin;
        this.properties = properties;
        this.releases = releases;
        this.slack = slack;
        this.parser = parser;
        this.responses = responses;
        this.clock = clock;
    }

    @PostMapping(path = "/webhooks/slack/actions", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Map<String, Object>>> actions(ServerHttpRequest request) {
        if (!properties.interactive()) {
            return Mono.just(status(HttpStatus.SERVICE_UNAVAILABLE,
                    "Slack interactivity is not configured (ROLLGATE_SLACK_SIGNING_SECRET)"));
        }
        int limit = (int) properties.maxPayload().toBytes();
        if (request.getHeaders().getContentLength() > limit) {
            return Mono.just(status(HttpStatus.CONTENT_TOO_LARGE, "request body too large"));
        }
        String timestamp = request.getHeaders().getFirst("X-Slack-Request-Timestamp");
        String signature = request.getHeaders().getFirst("X-Slack-Signature");
        return DataBufferUtils.join(request.getBody(), limit)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> {
                    SlackSignature.Verdict verdict = new SlackSignature(properties.signingSecret())
                            .verify(timestamp, signature, body, clock.instant());
                    if (verdict != SlackSignature.Verdict.VALID) {
                        log.info("slack action refused: signature {}", verdict);
                        return Mono.just(status(HttpStatus.UNAUTHORIZED, "invalid Slack signature"));
                    }
                    return handle(new String(body, StandardCharsets.UTF_8));
                })
                .onErrorResume(DataBufferLimitException.class,
                        e -> Mono.just(status(HttpStatus.CONTENT_TOO_LARGE, "request body too large")));
    }

    private Mono<ResponseEntity<Map<String, Object>>> handle(String form) {
        Action action;
        try {
            action = parser.parse(formField(form, "payload"));
        } catch (IllegalArgumentException e) {
            return Mono.just(status(HttpStatus.BAD_REQUEST, e.getMessage()));
        }
        responses.reply(action.responseUrl(), answer(action));
        return Mono.just(ResponseEntity.ok().build());
    }

    /** What the clicking user is told, once the command has been carried out or refused. */
    private Mono<String> answer(Action action) {
        if (action.type() == null) {
            return Mono.just("Rollgate does not handle this Slack interaction.");
        }
        Mono<String> outcome = role(action.userId())
                .flatMap(role -> role.ordinal() < Role.RELEASE_MANAGER.ordinal()
                        ? Mono.just("Sorry, your Rollgate role is " + role.id() + ": only release managers"
                        + " and admins may " + verb(action.type()) + " releases from Slack.")
                        : command(action, role == Role.ADMIN))
                .onErrorResume(e -> {
                    log.warn("slack {} of {} failed: {}", verb(action.type()), action.value(), e.toString());
                    return Mono.just("Rollgate could not " + verb(action.type()) + " the release (internal error);"
                            + " the console shows its state.");
                })
                .cache();
        // Started here and carried to its end whatever the user is told meanwhile: a notice that cancelled it
        // could roll back its transaction while saying it was still running.
        outcome.subscribe();
        return outcome.timeout(answerWithin)
                .onErrorResume(TimeoutException.class, e -> {
                    responses.reply(action.responseUrl(), outcome);
                    return Mono.just("Rollgate is still working on it; the outcome of the " + verb(action.type())
                            + " follows here when it is known.");
                });
    }

    private Mono<String> command(Action action, boolean admin) {
        UUID id;
        try {
            id = UUID.fromString(action.value());
        } catch (IllegalArgumentException | NullPointerException e) {
            return Mono.just("That button does not name a release Rollgate knows.");
        }
        Command command = new Command(action.type(), new Actor(Actor.Kind.SLACK, action.userId()),
                "from Slack by " + action.userName(), admin);
        return releases.command(id, command, action.idempotencyKey())
                .map(r -> capitalised(verb(action.type())) + " accepted: " + r.application() + " "
                        + r.version() + " in " + r.environment() + " is now " + r.state() + ".")
                .onErrorResume(ReleaseProblem.class, p -> Mono.just(switch (p.kind()) {
                    case NOT_FOUND -> "Release not found: " + p.getMessage();
                    default -> p.title() + ": " + p.getMessage();
                }));
    }

    /** By Slack user id; by e-mail only when some mapping is by e-mail and the id is not mapped itself. */
    private Mono<Role> role(String userId) {
        Role byId = properties.role(userId, null);
        SlackCalls calls = slack.getIfAvailable();
        if (calls == null || !properties.mapsEmails()
                || properties.users().containsKey(userId.toLowerCase(java.util.Locale.ROOT))) {
            return Mono.just(byId);
        }
        return calls.email(userId).timeout(EMAIL_LOOKUP)
                .map(email -> properties.role(userId, email))
                .onErrorResume(e -> Mono.empty())
                .defaultIfEmpty(byId);
    }

    static String formField(String form, String name) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        throw new IllegalArgumentException("form field '" + name + "' is missing");
    }

    private static String verb(Command.Type type) {
        return type.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static ResponseEntity<Map<String, Object>> status(HttpStatus status, String error) {
        return ResponseEntity.status(status).body(Map.of("error", error));
    }
}
