package dev.rollgate.controlplane.intake.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.r2dbc.core.DatabaseClient;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import reactor.core.publisher.Mono;

class DeliveryBatcherTests {

    /** A database that takes the connection request and never answers it. */
    private static final ConnectionFactory SILENT = new ConnectionFactory() {
        @Override
        public Publisher<? extends Connection> create() {
            return Mono.never();
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return () -> "PostgreSQL"; // so DatabaseClient picks PostgreSQL's bind markers
        }
    };

    private static DeliveryBatcher.Row row(int i) {
        return new DeliveryBatcher.Row("delivery-" + i, "push", new DeliveryRepository.Answer(202, "{}"),
                Instant.parse("2026-12-02T12:00:00Z"));
    }

    @Test
    void aFullQueueRefusesAtOnceInsteadOfGrowing() {
        DeliveryBatcher batcher = new DeliveryBatcher(DatabaseClient.create(SILENT), 10, Duration.ofMinutes(1));
        List<Mono<Boolean>> waiting = new ArrayList<>();
        // Three writes in flight (one row each, as they came one by one), then ten rows queued behind them.
        for (int i = 0; i < 13; i++) {
            Mono<Boolean> insert = batcher.insert(row(i)).cache();
            insert.subscribe(ok -> { }, e -> { });
            waiting.add(insert);
        }

        Throwable refused = catchThrowable(() -> batcher.insert(row(13)).block(Duration.ofSeconds(1)));

        assertThat(refused).isInstanceOf(DeliveryBatcher.Overloaded.class)
                .hasMessage("10 deliveries are waiting to be stored");
    }

    @Test
    void aWriteTheDatabaseNeverAnswersTimesOutAndFreesItsPlace() {
        DeliveryBatcher batcher = new DeliveryBatcher(DatabaseClient.create(SILENT), 10, Duration.ofMillis(300));

        Throwable first = catchThrowable(() -> batcher.insert(row(1)).block(Duration.ofSeconds(5)));
        Throwable second = catchThrowable(() -> batcher.insert(row(2)).block(Duration.ofSeconds(5)));

        assertThat(first).hasCauseInstanceOf(TimeoutException.class);
        assertThat(second).as("the slot was given back").hasCauseInstanceOf(TimeoutException.class);
    }
}
