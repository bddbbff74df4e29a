package dev.rollgate.controlplane.intake.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.rollgate.controlplane.support.GitHubTest;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

@GitHubTest
class DeliveryBatcherTests {

    @Autowired
    DeliveryRepository deliveries;
    @Autowired
    DatabaseClient db;

    @Test
    void storesEachDeliveryOnceWhenManyArriveTogetherIncludingTheSameOneTwice() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        DeliveryRepository.Answer answer = new DeliveryRepository.Answer(202, "{\"reason\":\"bench\"}");
        // 300 distinct deliveries, each sent twice, all at once: batches form and some hold both copies.
        List<Boolean> firsts = Flux.range(0, 600)
                .flatMap(i -> deliveries.record(run + "-" + (i % 300), "push", answer, Instant.now())
                        .subscribeOn(Schedulers.parallel()), 600)
                .collectList().block();

        assertThat(firsts).hasSize(600);
        assertThat(firsts.stream().filter(Boolean::booleanValue)).hasSize(300);
        Long stored = db.sql("select count(*) as n from github_deliveries where delivery_id like :p")
                .bind("p", run + "-%").map(row -> row.get("n", Long.class)).one().block();
        assertThat(stored).isEqualTo(300);
        assertThat(deliveries.answered(run + "-7").block()).isEqualTo(answer);
    }
}
