package dev.rollgate.controlplane.release.persistence;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.persistence.OutboxRepository.Signal;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * PostgreSQL's notifications of committed events ({@link OutboxRepository#CHANNEL}), heard on a connection of its
 * own outside the pool (a LISTEN lives as long as its connection, so a pooled one would take a slot for good).
 */
@Component
public class EventSignals {

    private static final Logger log = LoggerFactory.getLogger(EventSignals.class);

    /** What the listener reports: a signal, or that it has (re)connected and may have missed some. */
    public sealed interface Heard permits Heard.Connected, Heard.Committed {
        record Connected() implements Heard {
        }

        record Committed(Signal signal) implements Heard {
        }
    }

    /** Notifications held for a busy relay before the connection is given up and caught up on instead. */
    private static final int BUFFERED = 4096;
    private final ConnectionFactory factory;

    public EventSignals(ConnectionFactory factory) {
        this.factory = unpooled(factory);
    }

    /**
     * Listens until cancelled; a dropped connection is retried every {@code reconnect}, and each (re)connection is
     * reported so the caller can catch up on what was committed while nobody listened.
     */
    public Flux<Heard> listen(Duration reconnect, Runnable lost) {
        Flux<Heard> once = Flux.usingWhen(Mono.from(factory.create()),
                connection -> {
                    PostgresqlConnection pg = (PostgresqlConnection) connection;
                    Mono<Void> subscribed = pg.createStatement("LISTEN " + OutboxRepository.CHANNEL).execute()
                            .flatMap(PostgresqlResult::getRowsUpdated).then();
                    // The driver drops what a busy subscriber is not ready for; a full buffer instead ends this
                    // connection, and the reconnect's catch-up covers what was missed.
                    Flux<Heard> heard = pg.getNotifications()
                            .onBackpressureBuffer(BUFFERED, reactor.core.publisher.BufferOverflowStrategy.ERROR)
                            .flatMap(n -> Mono.justOrEmpty(OutboxRepository.parse(n.getParameter())))
                            .map(Heard.Committed::new);
                    // A closed connection ends getNotifications() quietly; make that a failure to retry on.
                    return subscribed.thenMany(Flux.<Heard>just(new Heard.Connected()).concatWith(heard))
                            .concatWith(Mono.error(new IllegalStateException("notification connection closed")));
                },
                Connection::close, (connection, error) -> connection.close(), Connection::close);
        return once.retryWhen(Retry.fixedDelay(Long.MAX_VALUE, reconnect)
                .doBeforeRetry(s -> lost.run())
                .doBeforeRetry(s -> log.warn("listening for committed events failed, retrying in {}: {}", reconnect,
                        s.failure().toString())));
    }

    private static ConnectionFactory unpooled(ConnectionFactory factory) {
        ConnectionFactory current = factory;
        while (current instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionFactory inner
                && inner != current) {
            current = inner;
        }
        return current;
    }
}
