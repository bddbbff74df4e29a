package dev.rollgate.controlplane.release;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.AuditEntry.Outcome;
import dev.rollgate.controlplane.release.persistence.AuditRepository;
import reactor.core.publisher.Mono;

/** Records commands in the audit log: accepted ones inside the transaction of their change, refusals after. */
@Component
public class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    /** Decisions the engine takes on its own that a person reading the audit log needs to see. */
    private static final Set<ReleaseEvent.Type> SYSTEM_DECISIONS = Set.of(ReleaseEvent.Type.ROLLBACK_STARTED,
            ReleaseEvent.Type.PAUSED, ReleaseEvent.Type.PROMOTING, ReleaseEvent.Type.ABORTED, ReleaseEvent.Type.FAILED,
            ReleaseEvent.Type.CLEANUP_FAILED, ReleaseEvent.Type.ROUTE_RESTORED);

    private final AuditRepository repository;
    private final Clock clock;

    public AuditTrail(AuditRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    public Mono<Void> record(Actor actor, String action, Outcome outcome, String application, String environment,
                             UUID releaseId, String reason, String detail) {
        return Origin.current().flatMap(address -> repository.insert(new AuditEntry(0, clock.instant(), actor, action,
                outcome, application, environment, releaseId, reason, detail, address.orElse(null))));
    }

    Mono<Void> accepted(Actor actor, String action, Release release, String reason) {
        return record(actor, action, Outcome.ACCEPTED, release.application(), release.environment(), release.id(),
                reason, release.version());
    }

    Mono<Void> replayed(Actor actor, String action, Release release) {
        return bestEffort(record(actor, action, Outcome.REPLAYED, release.application(), release.environment(),
                release.id(), null, "idempotent replay; nothing done again"));
    }

    /** Passes the error on after recording the refusal; a failing audit insert never masks the real answer. */
    <T> Mono<T> refused(Throwable error, Actor actor, String action, String application, String environment,
                        UUID releaseId, String reason) {
        return bestEffort(record(actor, action, Outcome.REFUSED, application, environment, releaseId, reason,
                describe(error))).then(Mono.error(error));
    }

    /** A command refused before the engine saw it (an unreadable body, a bad header); never fails. */
    public Mono<Void> refusedAtIntake(ReleaseProblem problem, Actor actor, String action, String application,
                                      String environment, UUID releaseId) {
        return bestEffort(record(actor, action, Outcome.REFUSED, application, environment, releaseId, null,
                describe(problem)));
    }

    private static String describe(Throwable error) {
        return error instanceof ReleaseProblem p ? p.title() + ": " + p.getMessage()
                + p.fields().stream().map(f -> " " + f.field() + " " + f.message()).reduce("", String::concat)
                : "error: " + error;
    }

    /** The engine's own decisions in this change (gate rollbacks, automatic pauses and promotions). */
    Mono<Void> systemDecisions(Release release, List<ReleaseEvent> events) {
        return reactor.core.publisher.Flux.fromIterable(events)
                .filter(e -> e.actor().kind() == Actor.Kind.SYSTEM && SYSTEM_DECISIONS.contains(e.type()))
                .concatMap(e -> record(e.actor(), e.type().name(), Outcome.ACCEPTED, release.application(),
                        release.environment(), release.id(), e.reason(), release.version()))
                .then();
    }

    private Mono<Void> bestEffort(Mono<Void> insert) {
        return insert.onErrorResume(e -> {
            log.warn("audit entry could not be written: {}", e.toString());
            return Mono.empty();
        });
    }
}
