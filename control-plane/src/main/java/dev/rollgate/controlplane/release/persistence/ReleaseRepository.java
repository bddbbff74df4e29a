package dev.rollgate.controlplane.release.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseState;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Releases with their events, written together in one transaction under an optimistic lock. */
@Repository
public class ReleaseRepository {

    private final DatabaseClient db;
    private final JsonColumns json;
    private final TransactionalOperator tx;
    private final EventRepository events;

    public ReleaseRepository(DatabaseClient db, JsonColumns json, ReactiveTransactionManager txManager,
                             EventRepository events) {
        this.db = db;
        this.json = json;
        this.tx = TransactionalOperator.create(txManager);
        this.events = events;
    }

    /** Fails with DataIntegrityViolationException when another release holds the target (active or finishing). */
    public Mono<Release> insert(Release r, List<ReleaseEvent> newEvents, Mono<Void> alsoInTransaction) {
        GenericExecuteSpec spec = db.sql("insert into releases (id, application, environment, version, image, config,"
                + " commit_sha, previous_version, previous_image, previous_config, strategy, steps, step_duration_ms,"
                + " inconclusive_grace_ms, failure_limit, error_limit, ready_timeout_ms, analysis, smoke, state,"
                + " paused_from, step, weight, step_started_at, state_changed_at, failures, consecutive_errors,"
                + " finalized, promoted_by_hand, started_by_kind, started_by, created_at, updated_at, lock_version,"
                + " platform, router, metrics_provider, namespace, base_track, restore_timeout_ms) values (:id, :application,"
                + " :environment, :version, :image, :config, :commitSha, :previousVersion, :previousImage,"
                + " :previousConfig, :strategy, :steps, :stepDurationMs, :graceMs, :failureLimit, :errorLimit,"
                + " :readyTimeoutMs, :analysis, :smoke, :state, :pausedFrom, :step, :weight, :stepStartedAt,"
                + " :stateChangedAt, :failures, :consecutiveErrors, :finalized, :promotedByHand, :startedByKind,"
                + " :startedBy,"
                + " :createdAt, :createdAt, 0, :platform, :router, :metricsProvider, :namespace, :baseTrack,"
                + " :restoreTimeoutMs)")
                .bind("id", r.id())
                .bind("application", r.application())
                .bind("environment", r.environment())
                .bind("version", r.candidate().version())
                .bind("config", json.write(r.candidate().config()))
                .bind("strategy", r.plan().strategy().name())
                .bind("steps", r.plan().steps().toArray(Integer[]::new))
                .bind("stepDurationMs", r.plan().stepDuration().toMillis())
                .bind("graceMs", r.plan().inconclusiveGrace().toMillis())
                .bind("failureLimit", r.plan().failureLimit())
                .bind("errorLimit", r.plan().errorLimit())
                .bind("readyTimeoutMs", r.plan().readyTimeout().toMillis())
                .bind("restoreTimeoutMs", r.plan().restoreTimeout().toMillis())
                .bind("platform", r.placement().platform())
                .bind("router", r.placement().router())
                .bind("metricsProvider", r.placement().metrics())
                .bind("namespace", r.placement().namespace())
                .bind("baseTrack", r.placement().base().name())
                .bind("analysis", r.plan().analysis())
                .bind("smoke", r.plan().smoke())
                .bind("startedByKind", r.startedBy().kind().name())
                .bind("startedBy", r.startedBy().identity())
                .bind("createdAt", r.createdAt());
        spec = Binds.nullable(spec, "image", r.candidate().image(), String.class);
        spec = Binds.nullable(spec, "commitSha", r.commitSha(), String.class);
        spec = Binds.nullable(spec, "previousVersion", r.previous() == null ? null : r.previous().version(), String.class);
        spec = Binds.nullable(spec, "previousImage", r.previous() == null ? null : r.previous().image(), String.class);
        spec = r.previous() == null ? spec.bindNull("previousConfig", io.r2dbc.postgresql.codec.Json.class)
                : spec.bind("previousConfig", json.write(r.previous().config()));
        spec = bindMutable(spec, r);
        return tx.transactional(spec.then()
                .then(events.append(r.id(), 0, newEvents))
                .then(alsoInTransaction)
                .thenReturn(r));
    }

    /** Writes the new state and events if nobody else wrote since {@code r} was read; returns it re-versioned. */
    public Mono<Release> update(Release r, List<ReleaseEvent> newEvents) {
        return update(r, newEvents, Mono.empty());
    }

    public Mono<Release> update(Release r, List<ReleaseEvent> newEvents, Mono<Void> alsoInTransaction) {
        GenericExecuteSpec spec = db.sql("update releases set state = :state, paused_from = :pausedFrom,"
                + " step = :step, weight = :weight, step_started_at = :stepStartedAt, state_changed_at = :stateChangedAt,"
                + " failures = :failures, consecutive_errors = :consecutiveErrors, finalized = :finalized,"
                + " promoted_by_hand = :promotedByHand, updated_at = now(), lock_version = lock_version + 1"
                + " where id = :id and lock_version = :lockVersion")
                .bind("id", r.id())
                .bind("lockVersion", r.lockVersion());
        spec = bindMutable(spec, r);
        Mono<Release> write = spec.fetch().rowsUpdated().flatMap(rows -> rows == 1
                ? events.appendAfterLast(r.id(), newEvents).then(alsoInTransaction)
                        .thenReturn(r.withLockVersion(r.lockVersion() + 1))
                : Mono.error(new OptimisticLockingFailureException("release " + r.id() + " changed concurrently")));
        return tx.transactional(write);
    }

    private static GenericExecuteSpec bindMutable(GenericExecuteSpec spec, Release r) {
        spec = spec.bind("state", r.state().name())
                .bind("step", r.step())
                .bind("weight", r.weight())
                .bind("stateChangedAt", r.stateChangedAt())
                .bind("failures", r.failures())
                .bind("consecutiveErrors", r.consecutiveErrors())
                .bind("finalized", r.finalized())
                .bind("promotedByHand", r.promotedByHand());
        spec = Binds.nullable(spec, "pausedFrom", r.pausedFrom() == null ? null : r.pausedFrom().name(), String.class);
        return Binds.nullable(spec, "stepStartedAt", r.stepStartedAt(), Instant.class);
    }

    /**
     * When the commit a push released was made. Written once, beside the release rather than in it: the engine
     * never reads it, only the delivery figures do.
     */
    public Mono<Void> recordCommitTime(UUID id, Instant committedAt) {
        if (committedAt == null) {
            return Mono.empty();
        }
        return db.sql("update releases set committed_at = :at where id = :id and committed_at is null")
                .bind("at", committedAt).bind("id", id).then();
    }

    public Mono<Release> findById(UUID id) {
        return db.sql("select " + ReleaseRows.COLUMNS + " from releases where id = :id").bind("id", id)
                .map(row -> ReleaseRows.map(row, json)).one();
    }

    public Mono<Release> findActive(String application, String environment) {
        return db.sql("select " + ReleaseRows.COLUMNS + " from releases where application = :a and environment = :e"
                        + " and state in (" + activeStates() + ")")
                .bind("a", application).bind("e", environment)
                .map(row -> ReleaseRows.map(row, json)).one();
    }

    /** The release holding the target's slot: active, or ended with its last effects not yet carried out. */
    public Mono<Release> findHolder(String application, String environment) {
        return db.sql("select " + ReleaseRows.COLUMNS + " from releases where application = :a and environment = :e"
                        + " and finalized = false")
                .bind("a", application).bind("e", environment)
                .map(row -> ReleaseRows.map(row, json)).one();
    }

    /** Active releases and terminal ones whose final effects have not been confirmed yet. */
    public Flux<Release> findUnsettled() {
        return db.sql("select " + ReleaseRows.COLUMNS + " from releases where finalized = false order by created_at")
                .map(row -> ReleaseRows.map(row, json)).all();
    }

    public Mono<Release> lastSucceeded(String application, String environment) {
        return db.sql("select " + ReleaseRows.COLUMNS + " from releases where application = :a and environment = :e"
                        + " and state = 'SUCCEEDED' order by state_changed_at desc limit 1")
                .bind("a", application).bind("e", environment)
                .map(row -> ReleaseRows.map(row, json)).one();
    }

    /** The newest release of the target that has ended, whatever its result. */
    public Mono<Release> lastFinished(String application, String environment) {
        return db.sql("select " + ReleaseRows.COLUMNS + " from releases where application = :a and environment = :e"
                        + " and state not in (" + activeStates() + ") order by created_at desc limit 1")
                .bind("a", application).bind("e", environment)
                .map(row -> ReleaseRows.map(row, json)).one();
    }

    public Mono<Boolean> hasAny(String application, String environment) {
        return db.sql("select count(*) as n from releases where application = :a and environment = :e")
                .bind("a", application).bind("e", environment)
                .map(row -> row.get("n", Long.class)).one().map(n -> n > 0);
    }

    /** The releases of {@code version} that SUCCEEDED in the environment, newest first. */
    public Flux<Release> succeeded(String application, String environment, String version) {
        return db.sql("select " + ReleaseRows.COLUMNS + " from releases where application = :a and environment = :e"
                        + " and version = :v and state = 'SUCCEEDED' order by state_changed_at desc")
                .bind("a", application).bind("e", environment).bind("v", version)
                .map(row -> ReleaseRows.map(row, json)).all();
    }

    public Mono<Page<Release>> search(ReleaseQuery q) {
        List<String> where = new ArrayList<>();
        if (q.application() != null) {
            where.add("application = :application");
        }
        if (q.environment() != null) {
            where.add("environment = :environment");
        }
        if (q.state() != null) {
            where.add("state = :state");
        }
        if (q.from() != null) {
            where.add("created_at >= :from");
        }
        if (q.to() != null) {
            where.add("created_at < :to");
        }
        String clause = where.isEmpty() ? "" : " where " + String.join(" and ", where);
        Mono<Long> total = q.bind(db.sql("select count(*) as n from releases" + clause))
                .map(row -> row.get("n", Long.class)).one();
        Mono<List<Release>> items = q.bind(db.sql("select " + ReleaseRows.COLUMNS + " from releases" + clause
                        + " order by created_at desc, id limit :limit offset :offset"))
                .bind("limit", q.size()).bind("offset", (long) q.page() * q.size())
                .map(row -> ReleaseRows.map(row, json)).all().collectList();
        return Mono.zip(items, total).map(t -> new Page<>(t.getT1(), q.page(), q.size(), t.getT2()));
    }

    static String activeStates() {
        return String.join(", ", ReleaseState.ACTIVE.stream().map(s -> "'" + s.name() + "'").toList());
    }
}
