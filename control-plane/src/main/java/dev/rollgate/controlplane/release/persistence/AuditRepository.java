package dev.rollgate.controlplane.release.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;

import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.AuditEntry;
import io.r2dbc.spi.Readable;
import dev.rollgate.controlplane.release.TextRules;
import reactor.core.publisher.Mono;

/** The append-only audit log. */
@Repository
public class AuditRepository {

    private final DatabaseClient db;

    public AuditRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(AuditEntry e) {
        GenericExecuteSpec spec = db.sql("insert into audit_log (at, actor_kind, actor, action, outcome, application,"
                        + " environment, release_id, reason, detail, address) values (:at, :actorKind, :actor, :action,"
                        + " :outcome, :application, :environment, :releaseId, :reason, :detail, :address)")
                .bind("at", e.at())
                .bind("actorKind", e.actor().kind().name())
                .bind("actor", truncate(TextRules.escape(e.actor().identity())))
                .bind("action", truncate(TextRules.escape(e.action())))
                .bind("outcome", e.outcome().name());
        spec = Binds.nullable(spec, "application", truncate(TextRules.escape(e.application())), String.class);
        spec = Binds.nullable(spec, "environment", truncate(TextRules.escape(e.environment())), String.class);
        spec = Binds.nullable(spec, "releaseId", e.releaseId(), UUID.class);
        spec = Binds.nullable(spec, "reason", truncate(TextRules.escape(e.reason())), String.class);
        spec = Binds.nullable(spec, "detail", truncate(TextRules.escape(e.detail())), String.class);
        spec = Binds.nullable(spec, "address", truncate(TextRules.escape(e.address())), String.class);
        return spec.then();
    }

    /** Filters are optional (null matches all); newest first. */
    public record Query(String channel, String actor, String application, String environment, String outcome,
                        UUID releaseId, Instant from, Instant to, int page, int size) {
    }

    public Mono<Page<AuditEntry>> search(Query q) {
        List<String> where = new ArrayList<>();
        List<Object[]> binds = new ArrayList<>();
        add(where, binds, "actor_kind = :channel", "channel", q.channel());
        add(where, binds, "actor ilike :actor escape '\\'", "actor",
                q.actor() == null ? null : "%" + literal(q.actor()) + "%");
        add(where, binds, "application = :application", "application", q.application());
        add(where, binds, "environment = :environment", "environment", q.environment());
        add(where, binds, "outcome = :outcome", "outcome", q.outcome());
        add(where, binds, "release_id = :releaseId", "releaseId", q.releaseId());
        add(where, binds, "at >= :from", "from", q.from());
        add(where, binds, "at < :to", "to", q.to());
        String clause = where.isEmpty() ? "" : " where " + String.join(" and ", where);
        GenericExecuteSpec count = db.sql("select count(*) as n from audit_log" + clause);
        GenericExecuteSpec items = db.sql("select * from audit_log" + clause
                + " order by at desc, id desc limit :limit offset :offset");
        for (Object[] b : binds) {
            count = count.bind((String) b[0], b[1]);
            items = items.bind((String) b[0], b[1]);
        }
        Mono<Long> total = count.map(row -> row.get("n", Long.class)).one();
        Mono<List<AuditEntry>> rows = items.bind("limit", q.size()).bind("offset", (long) q.page() * q.size())
                .map(AuditRepository::map).all().collectList();
        return Mono.zip(rows, total).map(t -> new Page<>(t.getT1(), q.page(), q.size(), t.getT2()));
    }

    private static void add(List<String> where, List<Object[]> binds, String condition, String name, Object value) {
        if (value != null) {
            where.add(condition);
            binds.add(new Object[] {name, value});
        }
    }

    private static AuditEntry map(Readable row) {
        return new AuditEntry(row.get("id", Long.class), row.get("at", Instant.class),
                new Actor(Actor.Kind.valueOf(row.get("actor_kind", String.class)), row.get("actor", String.class)),
                row.get("action", String.class), AuditEntry.Outcome.valueOf(row.get("outcome", String.class)),
                row.get("application", String.class), row.get("environment", String.class),
                row.get("release_id", UUID.class), row.get("reason", String.class), row.get("detail", String.class),
                row.get("address", String.class));
    }

    /** The person's text is matched as typed: % and _ are not wildcards here. */
    private static String literal(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** Whatever a refused request carried is written, but as visible escapes: PostgreSQL's text cannot hold NUL. */
    private static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
    }
}
