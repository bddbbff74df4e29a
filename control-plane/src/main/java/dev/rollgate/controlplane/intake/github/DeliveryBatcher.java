package dev.rollgate.controlplane.intake.github;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Stores answered deliveries many to a statement. A burst of webhooks would otherwise cost one commit each;
 * here whatever arrives while a write is in flight goes into the next one, so there is no timer and no added
 * wait when traffic is light.
 */
final class DeliveryBatcher {

    private static final int MAX_BATCH = 200;
    private static final int MAX_IN_FLIGHT = 3;
    /** Ten full batches behind the writes in flight: past that the database is not keeping up. */
    static final int MAX_QUEUED = 2_000;
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    /** The queue is full: the caller answers 503 and GitHub delivers again later. */
    static final class Overloaded extends RuntimeException {
        Overloaded(int queued) {
            super(queued + " deliveries are waiting to be stored", null, false, false);
        }
    }

    record Row(String deliveryId, String event, DeliveryRepository.Answer answer, Instant at) {
    }

    private record Pending(Row row, MonoSink<Boolean> sink) {
    }

    private final DatabaseClient db;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int maxQueued;
    private final Duration writeTimeout;

    DeliveryBatcher(DatabaseClient db) {
        this(db, MAX_QUEUED, WRITE_TIMEOUT);
    }

    DeliveryBatcher(DatabaseClient db, int maxQueued, Duration writeTimeout) {
        this.db = db;
        this.maxQueued = maxQueued;
        this.writeTimeout = writeTimeout;
    }

    /**
     * True when this row was stored, false when its delivery id was already there; {@link Overloaded} when
     * {@code maxQueued} rows already wait, and a timeout when the database does not answer in time.
     */
    Mono<Boolean> insert(Row row) {
        return Mono.create(sink -> {
            int waiting = queued.incrementAndGet();
            if (waiting > maxQueued) {
                queued.decrementAndGet();
                sink.error(new Overloaded(waiting - 1));
                return;
            }
            queue.add(new Pending(row, sink));
            drain();
        });
    }

    private void drain() {
        while (!queue.isEmpty()) {
            int running = inFlight.get();
            if (running >= MAX_IN_FLIGHT) {
                return; // a write that finishes drains again
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<Pending> batch = new ArrayList<>();
            for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) {
                queued.decrementAndGet();
                batch.add(p);
            }
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
                continue;
            }
            // A write the database never answers must not hold its slot (and its callers) for ever.
            write(batch).timeout(writeTimeout)
                    .subscribe(stored -> complete(batch, stored), error -> fail(batch, error));
        }
    }

    private Mono<Set<String>> write(List<Pending> batch) {
        // The same id twice in one statement would be "stored" for both requests; only the first one goes in.
        Map<String, Row> rows = new LinkedHashMap<>();
        batch.forEach(p -> rows.putIfAbsent(p.row().deliveryId(), p.row()));
        StringBuilder sql = new StringBuilder("insert into github_deliveries (delivery_id, event, status, answer,"
                + " created_at, answered_at) values ");
        int i = 0;
        for (Row ignored : rows.values()) {
            sql.append(i == 0 ? "" : ", ").append("(:id").append(i).append(", :event").append(i).append(", :status")
                    .append(i).append(", :answer").append(i).append(", :at").append(i).append(", :at").append(i)
                    .append(')');
            i++;
        }
        sql.append(" on conflict do nothing returning delivery_id");
        GenericExecuteSpec spec = db.sql(sql.toString());
        i = 0;
        for (Row r : rows.values()) {
            spec = spec.bind("id" + i, r.deliveryId()).bind("event" + i, r.event())
                    .bind("status" + i, r.answer().status()).bind("answer" + i, r.answer().body())
                    .bind("at" + i, r.at());
            i++;
        }
        return spec.map(row -> row.get("delivery_id", String.class)).all().collect(HashSet::new, Set::add);
    }

    private void complete(List<Pending> batch, Set<String> stored) {
        inFlight.decrementAndGet();
        Set<String> claimed = new HashSet<>();
        for (Pending p : batch) {
            String id = p.row().deliveryId();
            p.sink().success(stored.contains(id) && claimed.add(id));
        }
        drain();
    }

    private void fail(List<Pending> batch, Throwable error) {
        inFlight.decrementAndGet();
        batch.forEach(p -> p.sink().error(error));
        drain();
    }
}
