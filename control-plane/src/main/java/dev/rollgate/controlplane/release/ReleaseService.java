package dev.rollgate.controlplane.release;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Service;

import dev.rollgate.controlplane.release.EventPublisher;
import dev.rollgate.controlplane.release.PlatformRegistry;
import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.ReleaseProblem.FieldProblem;
import dev.rollgate.controlplane.release.persistence.IdempotencyRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/** Starts releases and applies commands to them; the reconciler does the rest. */
@Service
public class ReleaseService {

    private final Policies policies;
    private final PlatformRegistry platforms;
    private final ReleaseRepository releases;
    private final IdempotencyRepository keys;
    private final EventPublisher publisher;
    private final ReconcileNudges nudges;
    private final Clock clock;
    private final List<dev.rollgate.controlplane.release.port.TargetFacts> facts;
    private final AuditTrail audit;
    private final LiveTrafficCheck traffic;
    private final dev.rollgate.controlplane.release.persistence.LeaseRepository leases;
    private final ReleaseMetrics metrics;

    public ReleaseService(Policies policies, PlatformRegistry platforms, ReleaseRepository releases,
                          IdempotencyRepository keys, EventPublisher publisher, ReconcileNudges nudges, Clock clock,
                          List<dev.rollgate.controlplane.release.port.TargetFacts> facts, AuditTrail audit,
                          LiveTrafficCheck traffic, dev.rollgate.controlplane.release.persistence.LeaseRepository leases,
                          ReleaseMetrics metrics) {
        this.metrics = metrics;
        this.traffic = traffic;
        this.leases = leases;
        this.facts = List.copyOf(facts);
        this.audit = audit;
        this.policies = policies;
        this.platforms = platforms;
        this.releases = releases;
        this.keys = keys;
        this.publisher = publisher;
        this.nudges = nudges;
        this.clock = clock;
    }

    public record Created(Release release, boolean replayed) {
    }

    /**
     * Everything wrong with a request to start a release, all at once (a form shows each beside its field):
     * the input rules, the reason, and whether the application and environment exist.
     */
    public List<FieldProblem> problems(NewRelease request, String reason) {
        List<FieldProblem> problems = new java.util.ArrayList<>(NewReleaseValidator.problems(request));
        problems.addAll(NewReleaseValidator.reasonProblems(reason));
        java.util.Set<String> flagged = new java.util.HashSet<>();
        problems.forEach(p -> flagged.add(p.field()));
        if (!flagged.contains("application") && policies.application(request.application()).isEmpty()) {
            problems.add(new FieldProblem("application", policies.unknownApplication(request.application())));
        }
        if (!flagged.contains("environment") && policies.environment(request.environment()).isEmpty()) {
            problems.add(new FieldProblem("environment", policies.unknownEnvironment(request.environment())));
        }
        return problems;
    }

    public Mono<Created> create(NewRelease request, Actor actor, String reason, String idempotencyKey) {
        return Mono.defer(() -> {
            List<FieldProblem> problems = problems(request, reason);
            if (!problems.isEmpty()) {
                return Mono.error(ReleaseProblem.invalid(problems));
            }
            String hash = hash("create", request.application(), request.environment(), request.version(),
                    request.image(), request.commitSha(), new TreeMap<>(request.config()).toString());
            return replay("create", idempotencyKey, hash)
                    .flatMap(r -> audit.replayed(actor, "CREATE", r).thenReturn(new Created(r, true)))
                    .switchIfEmpty(Mono.defer(() -> start(request, actor, reason, idempotencyKey, hash, "CREATE")));
        }).onErrorResume(e -> audit.refused(e, actor, "CREATE", request.application(), request.environment(), null,
                reason));
    }

    /** Back to an earlier successful release's revision, straight onto stable, without analysis. */
    public Mono<Created> fastRollback(String application, String environment, UUID toRelease, Actor actor,
                                      String reason, String idempotencyKey) {
        List<FieldProblem> reasonProblems = NewReleaseValidator.reasonProblems(reason);
        Mono<Release> earlierRelease = reasonProblems.isEmpty() ? releases.findById(toRelease)
                : Mono.error(ReleaseProblem.invalid(reasonProblems));
        return earlierRelease
                .filter(r -> r.application().equals(application) && r.environment().equals(environment))
                .switchIfEmpty(Mono.error(ReleaseProblem.notFound("release " + toRelease + " of " + application
                        + " in " + environment + " does not exist")))
                .flatMap(earlier -> {
                    if (earlier.state() != ReleaseState.SUCCEEDED) {
                        return Mono.error(ReleaseProblem.conflict("Not a successful release", "release " + toRelease
                                + " is " + earlier.state() + "; only a SUCCEEDED release can be rolled back to",
                                Map.of()));
                    }
                    Revision r = earlier.candidate();
                    NewRelease request = new NewRelease(application, environment, r.version(), r.image(),
                            earlier.commitSha(), r.config());
                    String hash = hash("rollback-to", toRelease.toString());
                    String why = reason == null || reason.isBlank()
                            ? "fast-path rollback to release " + toRelease : reason;
                    return replay("create", idempotencyKey, hash)
                            .flatMap(x -> audit.replayed(actor, "ROLLBACK_TO", x).thenReturn(new Created(x, true)))
                            .switchIfEmpty(Mono.defer(() -> refuseIfStable(earlier)
                                    .then(start(request, actor, why, idempotencyKey, hash, "ROLLBACK_TO"))));
                })
                .onErrorResume(e -> audit.refused(e, actor, "ROLLBACK_TO", application, environment, toRelease,
                        reason));
    }

    /** Going back to what already runs would redeploy it without analysis and change nothing. */
    private Mono<Void> refuseIfStable(Release earlier) {
        String digest = earlier.candidate().digest();
        return releases.lastSucceeded(earlier.application(), earlier.environment())
                .filter(stable -> stable.candidate().digest().equals(digest))
                .flatMap(stable -> Mono.error(ReleaseProblem.conflict("Already stable", "release " + earlier.id()
                        + " ran " + earlier.version() + " (revision " + digest + "), which is already stable in "
                        + earlier.environment() + " (release " + stable.id() + "); there is nothing to roll back to",
                        Map.of("stableRelease", stable.id().toString(), "revision", digest))));
    }

    /**
     * The first release of an environment that has never had one: the bundled build goes straight to stable,
     * like a fast-path rollback, so a fresh installation serves something. Keyed so replicas do it once.
     */
    public Mono<Created> bootstrap(String application, String environment, String version) {
        NewRelease request = new NewRelease(application, environment, version, null, null, Map.of());
        String key = "bootstrap:" + application + ":" + environment;
        String hash = hash("bootstrap", application, environment, version);
        return replay("create", key, hash).map(r -> new Created(r, true))
                .switchIfEmpty(Mono.defer(() -> start(request, Actor.SYSTEM, "bootstrap: " + environment
                        + " had no release yet; serving the bundled build", key, hash, "BOOTSTRAP")));
    }

    private Mono<Created> start(NewRelease request, Actor actor, String reason, String key, String hash,
                                String action) {
        boolean fastPath = !"CREATE".equals(action);
        Application app = policies.application(request.application()).orElse(null);
        Environment env = policies.environment(request.environment()).orElse(null);
        if (app == null || env == null) {
            List<FieldProblem> unknown = new java.util.ArrayList<>();
            if (app == null) {
                unknown.add(new FieldProblem("application", policies.unknownApplication(request.application())));
            }
            if (env == null) {
                unknown.add(new FieldProblem("environment", policies.unknownEnvironment(request.environment())));
            }
            return Mono.error(ReleaseProblem.invalid(unknown));
        }
        var missing = platforms.missing(env);
        if (missing.isPresent()) {
            return Mono.error(new ReleaseProblem(ReleaseProblem.Kind.UNAVAILABLE, "Environment unavailable",
                    "environment " + env.name() + " cannot take releases: " + missing.get(), List.of(), Map.of()));
        }
        Revision candidate = new Revision(request.version(), request.image() == null ? app.image()
                : request.image(), request.config());
        Mono<Void> prerequisite = fastPath || env.requires() == null ? Mono.empty()
                : releases.succeeded(app.name(), env.requires(), request.version()).collectList()
                .flatMap(ran -> Prerequisite.refusal(app.name(), env, candidate, ran)
                        .map(Mono::<Void>error).orElse(Mono.empty()));
        return prerequisite
                .then(releases.lastSucceeded(app.name(), env.name())
                        .map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()))
                .flatMap(last -> {
                    java.util.Optional<Revision> previous = last.map(Release::candidate);
                    // The previous version is live where its release left it: blue-green alternates colours.
                    Placement placement = PlatformRegistry.placement(env,
                            last.map(Release::liveTrackWhenSucceeded).orElse(Track.STABLE));
                    Plan plan = Plans.plan(env, previous.isPresent(), fastPath);
                    var target = new dev.rollgate.controlplane.release.port.Target(app.name(), env.name(),
                            placement.namespace());
                    Map<String, Object> known = new LinkedHashMap<>();
                    facts.forEach(f -> known.putAll(f.facts(target)));
                    Decision d = ReleaseMachine.create(UUID.randomUUID(), app.name(), env.name(), candidate,
                            previous.orElse(null), request.commitSha(), plan, placement, actor, reason, clock.instant(),
                            known);
                    Mono<Void> remember = (key == null ? Mono.<Void>empty()
                            : keys.insert("create", key, hash, d.release().id()))
                            .then(audit.accepted(actor, action, d.release(), reason));
                    // The slot first: a release in flight explains split traffic, and its conflict says which.
                    Mono<Void> slotFree = releases.findHolder(app.name(), env.name())
                            .flatMap(holder -> Mono.<Void>error(activeConflict(holder)));
                    return slotFree.then(platformAvailable(placement, target))
                            .then(traffic.confirm(target, placement, plan, previous.orElse(null)))
                            .then(releases.insert(d.release(), d.events(), remember))
                            .doOnNext(saved -> {
                                publisher.publish(saved, d.events());
                                metrics.committed(saved, d.events());
                                nudges.nudge(saved.id());
                            })
                            .map(saved -> new Created(saved, false));
                })
                .onErrorResume(DataIntegrityViolationException.class, e -> lostRace(request, key, hash));
    }

    /** A cluster that does not answer would only fail the release's first effects: refuse now, store nothing. */
    private Mono<Void> platformAvailable(Placement placement,
                                         dev.rollgate.controlplane.release.port.Target target) {
        return platforms.unavailable(placement, target).flatMap(why -> why.isEmpty() ? Mono.<Void>empty()
                : Mono.error(new ReleaseProblem(ReleaseProblem.Kind.UNAVAILABLE, "Platform unavailable", "platform "
                + placement.platform() + " is unavailable: " + why.get() + "; no release of " + target.key()
                + " was started, retry once it is back", List.of(), Map.of("platform", placement.platform()))));
    }

    /** Another request won: either it carried the same idempotency key, or it holds the target's active slot. */
    private Mono<Created> lostRace(NewRelease request, String key, String hash) {
        Mono<Created> sameKey = replay("create", key, hash).map(r -> new Created(r, true));
        return sameKey.switchIfEmpty(Mono.defer(() -> releases.findHolder(request.application(), request.environment())
                .flatMap(active -> Mono.<Created>error(activeConflict(active)))
                .switchIfEmpty(Mono.error(ReleaseProblem.conflict("Conflict",
                        "the release could not be stored because of a concurrent change; retry", Map.of())))));
    }

    public static ReleaseProblem activeConflict(Release active) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("activeRelease", active.id().toString());
        extra.put("activeVersion", active.version());
        extra.put("activeState", active.state().name());
        if (active.state().terminal()) {
            return ReleaseProblem.conflict("Release still finishing", "release " + active.id() + " ("
                    + active.version() + ", " + active.state() + ") of " + active.application() + " in "
                    + active.environment() + " has ended but is still retiring its candidate; retry in a few"
                    + " seconds", extra);
        }
        return ReleaseProblem.conflict("Release already active", "release " + active.id() + " ("
                + active.version() + ", " + active.state() + ") is active for " + active.application() + " in "
                + active.environment() + "; finish, roll back or abort it first", extra);
    }

    public Mono<Release> command(UUID id, Command command, String idempotencyKey) {
        String scope = "command:" + id;
        String hash = hash(command.type().name(), command.reason());
        String action = command.type().name();
        // The release is read before the key: a request with the same key commits both at once, so a release
        // read that already shows its effect is followed by a key lookup that finds it, and we replay its result
        // instead of refusing the command it already carried out.
        List<FieldProblem> reasonProblems = NewReleaseValidator.reasonProblems(command.reason());
        Mono<Release> found = reasonProblems.isEmpty() ? releases.findById(id)
                : Mono.error(ReleaseProblem.invalid(reasonProblems));
        Mono<Release> attempt = found
                .switchIfEmpty(Mono.error(ReleaseProblem.notFound("release " + id + " does not exist")))
                .flatMap(current -> replay(scope, idempotencyKey, hash)
                        .flatMap(r -> audit.replayed(command.actor(), action, r).thenReturn(r))
                        .switchIfEmpty(Mono.defer(() -> decide(current, command, scope, idempotencyKey, hash))));
        // Lost a race (a concurrent write, or the same key stored first): look again, replay included.
        return attempt
                .retryWhen(Retry.max(5).filter(e -> e instanceof OptimisticLockingFailureException
                        || e instanceof DataIntegrityViolationException))
                .onErrorResume(e -> releases.findById(id).map(java.util.Optional::of)
                        .defaultIfEmpty(java.util.Optional.empty())
                        .flatMap(r -> audit.refused(e, command.actor(), action, r.map(Release::application).orElse(null),
                                r.map(Release::environment).orElse(null), id, command.reason())));
    }

    private Mono<Release> decide(Release current, Command command, String scope, String idempotencyKey, String hash) {
        String action = command.type().name();
        Decision d = ReleaseMachine.command(current, command, clock.instant());
        if (d.forbidden()) {
            return Mono.error(ReleaseProblem.forbidden(d.refusal()));
        }
        if (d.refusedCommand()) {
            return Mono.error(ReleaseProblem.conflict("Command not allowed", d.refusal(),
                    Map.of("state", current.state().name())));
        }
        Mono<Void> remember = (idempotencyKey == null ? Mono.<Void>empty()
                : keys.insert(scope, idempotencyKey, hash, current.id()))
                .then(audit.accepted(command.actor(), action, d.release(), command.reason()));
        return releases.update(d.release(), d.events(), remember).doOnNext(saved -> {
            publisher.publish(saved, d.events());
            metrics.committed(saved, d.events());
            nudges.nudge(saved.id());
        }).flatMap(saved -> saved.finalized()
                // Handed over (an admin abandoned a rollback): the slot is free now, as after a finalize.
                ? leases.drop(saved.id()).then(Mono.fromRunnable(() -> publisher.finalized(saved))).thenReturn(saved)
                : Mono.just(saved));
    }

    public Mono<Release> get(UUID id) {
        return releases.findById(id)
                .switchIfEmpty(Mono.error(ReleaseProblem.notFound("release " + id + " does not exist")));
    }

    private Mono<Release> replay(String scope, String key, String hash) {
        if (key == null) {
            return Mono.empty();
        }
        return keys.find(scope, key).flatMap(stored -> stored.requestHash().equals(hash)
                ? releases.findById(stored.releaseId())
                : Mono.error(new ReleaseProblem(ReleaseProblem.Kind.IDEMPOTENCY_MISMATCH, "Idempotency key reused",
                "Idempotency-Key '" + key + "' was already used for a different request", List.of(), Map.of())));
    }

    private static String hash(String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
