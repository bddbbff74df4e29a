package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;

import io.micrometer.core.instrument.MeterRegistry;

/** The outbox on real PostgreSQL (rollgate_test_outbox): what is committed reaches every notifier, once, in order. */
class OutboxDispatcherTests {

    private static final Duration BOUND = Duration.ofSeconds(15);

    private OutboxNodes nodes;

    @BeforeEach
    void nodes() {
        nodes = new OutboxNodes("rollgate_test_outbox");
    }

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void deliversEveryCommittedEventToEachNotifierOnceAndInOrderEvenWhenOneFailsTwiceFirst() {
        nodes.flakyFailures.set(2);
        ConfigurableApplicationContext node = nodes.start("outbox-a");

        Release release = OutboxNodes.commitEvents(node, 6);

        await().atMost(BOUND).until(() -> nodes.delivered("flaky", release.id()).size() >= 6
                && nodes.delivered("steady", release.id()).size() >= 6);
        // Later deliveries would be duplicates: give them the time of a few retries to show up.
        await().during(Duration.ofSeconds(1)).atMost(BOUND).until(() -> nodes.delivered("flaky", release.id()).size() == 6);
        assertThat(nodes.delivered("flaky", release.id())).containsExactlyElementsOf(OutboxNodes.names(6));
        assertThat(nodes.delivered("steady", release.id())).containsExactlyElementsOf(OutboxNodes.names(6));
        assertThat(nodes.flakyFailures).hasValue(0);
        assertThat(node.getBean(MeterRegistry.class).counter("rollgate.notifier.failures", "notifier", "flaky").count())
                .isEqualTo(2.0);
    }

    @Test
    void deliversAfterStartWhatWasCommittedWhileNoDispatcherRan() {
        // A replica that committed and died before delivering anything: its dispatcher never ran.
        ConfigurableApplicationContext crashed = nodes.start("outbox-crashed", "--rollgate.outbox.enabled=false");
        Release release = OutboxNodes.commitEvents(crashed, 4);
        crashed.close();
        assertThat(nodes.deliveries).isEmpty();

        nodes.start("outbox-fresh");

        await().atMost(BOUND).until(() -> nodes.delivered("steady", release.id()).size() >= 4
                && nodes.delivered("flaky", release.id()).size() >= 4);
        assertThat(nodes.delivered("steady", release.id())).containsExactlyElementsOf(OutboxNodes.names(4));
        assertThat(nodes.delivered("flaky", release.id())).containsExactlyElementsOf(OutboxNodes.names(4));
        assertThat(nodes.deliveries).allSatisfy(d -> assertThat(d.replica()).isEqualTo("outbox-fresh"));
    }

    @Test
    void waitsOutTheClaimOfAReplicaThatDiedMidDeliveryThenCarriesOnFromItsCursor() {
        ConfigurableApplicationContext crashed = nodes.start("outbox-crashed", "--rollgate.outbox.enabled=false");
        Release release = OutboxNodes.commitEvents(crashed, 4);
        // It had delivered e1 and e2 to "steady" and held the pair when it died.
        crashed.getBean(DatabaseClient.class).sql("update notifier_progress set delivered_seq = 2,"
                        + " claimed_by = 'outbox-crashed', claimed_until = now() + interval '2 seconds'"
                        + " where notifier = 'steady' and release_id = :id")
                .bind("id", release.id()).then().block();
        crashed.close();

        nodes.start("outbox-fresh");

        await().atMost(BOUND).until(() -> nodes.delivered("steady", release.id()).size() >= 2
                && nodes.delivered("flaky", release.id()).size() >= 4);
        assertThat(nodes.delivered("steady", release.id())).containsExactly("e3", "e4");
        assertThat(nodes.delivered("flaky", release.id())).containsExactlyElementsOf(OutboxNodes.names(4));
    }

    @Test
    void startsAReleaseThatPredatesTheOutboxAtItsNextEvents() {
        ConfigurableApplicationContext upgraded = nodes.start("outbox-upgraded", "--rollgate.outbox.enabled=false");
        Release release = OutboxNodes.commitEvents(upgraded, 4);
        // As if e1..e4 had been committed (and sent) by a version without the outbox.
        upgraded.getBean(DatabaseClient.class).sql("delete from notifier_progress where release_id = :id")
                .bind("id", release.id()).then().block();
        OutboxNodes.commitMore(upgraded, release.id(), 5, 6);
        upgraded.close();

        nodes.start("outbox-fresh");

        await().atMost(BOUND).until(() -> nodes.delivered("steady", release.id()).size() >= 2
                && nodes.delivered("flaky", release.id()).size() >= 2);
        assertThat(nodes.delivered("steady", release.id())).containsExactly("e5", "e6");
        assertThat(nodes.delivered("flaky", release.id())).containsExactly("e5", "e6");
    }
}
