package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.rollgate.controlplane.release.AuditEntry.Outcome;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.persistence.AuditRepository;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.EngineTest;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The same command sent several times at once, as a double click or an impatient retrying client does. */
@EngineTest
class ConcurrentCommandTests {

    private static final int AT_ONCE = 8;
    private static final ScriptedWorld world = ScriptedWorld.INSTANCE;

    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    AuditRepository auditLog;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    /** Either the release a command answered with or the error it ended in. */
    record Answer(Release release, Throwable error) {
    }

    @Test
    void concurrentCommandsWithTheSameKeyAllGetTheWinnersResult() {
        List<Outcome> expectedAudit = new ArrayList<>(Collections.nCopies(AT_ONCE - 1, Outcome.REPLAYED));
        expectedAudit.add(Outcome.ACCEPTED);
        driver.establish("svc-y", "staging", "y-1.0.0");
        // Many rounds: a loser whose key lookup just misses the winner's commit is a narrow window, seen only
        // every ten or so rounds when the release was read after the key instead of before.
        for (int round = 1; round <= 20; round++) {
            Release release = progressing("svc-y", "y-1." + round + ".0");
            String key = "pause-" + UUID.randomUUID();

            List<Answer> answers = burst(release.id(), i -> key);

            assertThat(answers).as("round %d: every answer", round)
                    .extracting(a -> a.error() == null ? "ok" : a.error().toString()).containsOnly("ok");
            assertThat(answers).extracting(a -> a.release().id()).containsOnly(release.id());
            assertThat(answers).extracting(a -> a.release().state()).containsOnly(ReleaseState.PAUSED);
            assertThat(answers).extracting(a -> a.release().lockVersion()).as("one write, the winner's").hasSize(AT_ONCE)
                    .containsOnly(answers.get(0).release().lockVersion());
            assertThat(driver.eventTypes(release.id())).filteredOn(t -> t == Type.PAUSED).hasSize(1);
            assertThat(pauseAudit(release.id())).as("round %d", round)
                    .containsExactlyInAnyOrderElementsOf(expectedAudit);
            rollBack(release);
        }
    }

    @Test
    void concurrentCommandsWithDifferentKeysStillHaveOneWinnerAndConflictsForTheRest() {
        driver.establish("svc-z", "staging", "z-1.0.0");
        for (int round = 1; round <= 3; round++) {
            Release release = progressing("svc-z", "z-1." + round + ".0");

            List<Answer> answers = burst(release.id(), i -> "pause-" + i + "-" + UUID.randomUUID());

            assertThat(answers).as("round %d", round).filteredOn(a -> a.error() == null).singleElement()
                    .satisfies(a -> assertThat(a.release().state()).isEqualTo(ReleaseState.PAUSED));
            assertThat(answers).filteredOn(a -> a.error() != null).hasSize(AT_ONCE - 1).allSatisfy(a -> {
                assertThat(a.error()).isInstanceOfSatisfying(ReleaseProblem.class,
                        p -> assertThat(p.kind()).isEqualTo(ReleaseProblem.Kind.CONFLICT));
                assertThat(a.error()).hasMessageContaining("release is already paused");
            });
            assertThat(driver.eventTypes(release.id())).filteredOn(t -> t == Type.PAUSED).hasSize(1);
            rollBack(release);
        }
    }

    private Release progressing(String app, String version) {
        world.scriptHealthy(version);
        return driver.awaitState(driver.start(app, "staging", version).id(), ReleaseState.PROGRESSING);
    }

    /** All subscribed together, each on its own worker, so they really overlap in the database. */
    private List<Answer> burst(UUID id, IntFunction<String> key) {
        return Flux.range(0, AT_ONCE)
                .flatMap(i -> service.command(id, new Command(Command.Type.PAUSE, ReleaseDriver.TESTER, "hold on"),
                                key.apply(i))
                        .subscribeOn(Schedulers.parallel())
                        .map(r -> new Answer(r, null))
                        .onErrorResume(e -> Mono.just(new Answer(null, e))))
                .collectList()
                .block(Duration.ofSeconds(20));
    }

    private List<Outcome> pauseAudit(UUID releaseId) {
        return auditLog.search(new AuditRepository.Query(null, null, null, null, null, releaseId, null, null, 0, 100))
                .block().items().stream().filter(e -> e.action().equals("PAUSE")).map(AuditEntry::outcome).toList();
    }

    private void rollBack(Release release) {
        service.command(release.id(), new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER, "cleanup"), null)
                .block();
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);
    }
}
