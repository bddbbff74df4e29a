package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;

import reactor.core.Disposable;

/** Two replicas on one database (rollgate_test_live): what one commits, the other's live views see. */
class LiveAcrossReplicasTests {

    private OutboxNodes nodes;
    private final Queue<EventPublisher.Published> seenOnB = new ConcurrentLinkedQueue<>();
    private Disposable view;

    @BeforeEach
    void nodes() {
        nodes = new OutboxNodes("rollgate_test_live");
    }

    @AfterEach
    void close() {
        if (view != null) {
            view.dispose();
        }
        nodes.close();
    }

    @Test
    void anEventCommittedOnOneReplicaReachesTheOthersLiveStreamWithinASecondAndEachNotifierOnce() {
        ConfigurableApplicationContext a = nodes.start("replica-a");
        ConfigurableApplicationContext b = nodes.start("replica-b");
        view = b.getBean(EventPublisher.class).stream().subscribe(seenOnB::add);
        awaitListening(b);

        Release release = OutboxNodes.commitEvents(a, 4);

        await().atMost(Duration.ofSeconds(1)).until(() -> reasonsSeenOnB(release.id()).size() >= 4);
        assertThat(reasonsSeenOnB(release.id())).containsExactlyElementsOf(OutboxNodes.names(4));
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes.delivered("steady", release.id()).size() >= 4
                && nodes.delivered("flaky", release.id()).size() >= 4);
        // Both replicas poll every 500 ms: a second delivery by the other one would show within this.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> nodes.delivered("steady", release.id()).size() == 4
                        && nodes.delivered("flaky", release.id()).size() == 4);
        assertThat(nodes.delivered("steady", release.id())).containsExactlyElementsOf(OutboxNodes.names(4));
        assertThat(nodes.delivered("flaky", release.id())).containsExactlyElementsOf(OutboxNodes.names(4));
    }

    @Test
    void aReplicaWhoseListeningConnectionDroppedStillSignalsWhatWasCommittedMeanwhile() {
        ConfigurableApplicationContext a = nodes.start("replica-a");
        ConfigurableApplicationContext b = nodes.start("replica-b", "--rollgate.live.reconnect=3s");
        view = b.getBean(EventPublisher.class).stream().subscribe(seenOnB::add);
        awaitListening(b);

        // Drop every LISTEN connection: B retries in 3 s, so the commit below happens while it is deaf.
        DatabaseClient db = a.getBean(DatabaseClient.class);
        db.sql("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database()"
                + " and query like 'LISTEN%'").then().block();
        Release release = OutboxNodes.commitEvents(a, 2);

        await().atMost(Duration.ofSeconds(10)).until(() -> !reasonsSeenOnB(release.id()).isEmpty());
        assertThat(reasonsSeenOnB(release.id())).as("the release's latest event at least").contains("e2");
    }

    private void awaitListening(ConfigurableApplicationContext node) {
        DatabaseClient db = node.getBean(DatabaseClient.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.sql("select count(*) as n from pg_stat_activity"
                        + " where datname = current_database() and query like 'LISTEN%'")
                .map(row -> row.get("n", Long.class)).one().block() >= 2);
    }

    private List<String> reasonsSeenOnB(UUID releaseId) {
        return seenOnB.stream().filter(p -> p.release().id().equals(releaseId)).map(p -> p.event().reason()).toList();
    }
}
