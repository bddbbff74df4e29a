package dev.rollgate.controlplane.release.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.analysis.Verdict;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
public class MeasurementRepository {

    private final DatabaseClient db;

    public MeasurementRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> record(UUID releaseId, List<Measurement> measurements) {
        return Flux.fromIterable(measurements).concatMap(m -> {
            var spec = db.sql("insert into gate_measurements (release_id, gate, track, value, threshold, bad, total,"
                            + " verdict, detail, at) values (:id, :gate, :track, :value, :threshold, :bad, :total,"
                            + " :verdict, :detail, :at)")
                    .bind("id", releaseId)
                    .bind("gate", m.gate().id())
                    .bind("track", m.track())
                    .bind("threshold", m.threshold())
                    .bind("bad", m.bad())
                    .bind("total", m.total())
                    .bind("verdict", m.verdict().name())
                    .bind("at", m.at());
            spec = Binds.nullable(spec, "value", m.value(), Double.class);
            return Binds.nullable(spec, "detail", m.detail(), String.class).then();
        }).then();
    }

    /** The latest {@code limit} measurements, oldest first (the console's charts). */
    public Flux<Measurement> list(UUID releaseId, int limit) {
        return db.sql("select * from (select id, " + COLUMNS + " from gate_measurements where release_id = :id"
                        + " order by at desc, id desc limit :limit) m order by at, id")
                .bind("id", releaseId)
                .bind("limit", limit)
                .map(MeasurementRepository::map)
                .all();
    }

    /** Every measurement of a release in the order they were taken, one page at a time. */
    public Mono<Page<Measurement>> page(UUID releaseId, int page, int size) {
        Mono<Long> total = db.sql("select count(*) as n from gate_measurements where release_id = :id")
                .bind("id", releaseId).map(row -> row.get("n", Long.class)).one();
        Mono<List<Measurement>> items = db.sql("select " + COLUMNS + " from gate_measurements where release_id = :id"
                        + " order by at, id limit :limit offset :offset")
                .bind("id", releaseId).bind("limit", size).bind("offset", (long) page * size)
                .map(MeasurementRepository::map).all().collectList();
        return Mono.zip(items, total).map(t -> new Page<>(t.getT1(), page, size, t.getT2()));
    }

    private static final String COLUMNS = "gate, track, value, threshold, bad, total, verdict, detail, at";

    // Rows written before gates were stored by id name the enum constant (ERROR_RATE); parse reads both.
    private static Measurement map(io.r2dbc.spi.Readable row) {
        return new Measurement(GateKind.parse(row.get("gate", String.class)),
                row.get("track", String.class), row.get("value", Double.class),
                row.get("threshold", Double.class), row.get("bad", Long.class), row.get("total", Long.class),
                Verdict.valueOf(row.get("verdict", String.class)), row.get("detail", String.class),
                row.get("at", Instant.class));
    }
}
