package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.release.persistence.OutboxRepository;
import dev.rollgate.controlplane.release.persistence.OutboxRepository.Signal;

class OutboxPureTests {

    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofMinutes(5);

    @Test
    void retriesAfterADoublingWaitCappedAtTheMaximum() {
        assertThat(OutboxDispatcher.retryIn(1, BASE, MAX)).isEqualTo(Duration.ofSeconds(1));
        assertThat(OutboxDispatcher.retryIn(2, BASE, MAX)).isEqualTo(Duration.ofSeconds(2));
        assertThat(OutboxDispatcher.retryIn(5, BASE, MAX)).isEqualTo(Duration.ofSeconds(16));
        assertThat(OutboxDispatcher.retryIn(9, BASE, MAX)).isEqualTo(Duration.ofSeconds(256));
        assertThat(OutboxDispatcher.retryIn(10, BASE, MAX)).isEqualTo(MAX);
        assertThat(OutboxDispatcher.retryIn(10_000, BASE, MAX)).as("no overflow after many failures").isEqualTo(MAX);
    }

    @Test
    void readsBackTheSignalItWroteEvenWhenTheInstanceNameHasTheSeparator() {
        UUID id = UUID.randomUUID();

        assertThat(OutboxRepository.parse(OutboxRepository.payload("pod|7", id, 3, 5)))
                .contains(new Signal("pod|7", id, 3, 5));
    }

    @Test
    void ignoresAnythingElseOnTheChannel() {
        assertThat(OutboxRepository.parse(null)).isEmpty();
        assertThat(OutboxRepository.parse("hello")).isEmpty();
        assertThat(OutboxRepository.parse("a|not-a-uuid|1|2")).isEmpty();
        assertThat(OutboxRepository.parse("a|" + UUID.randomUUID() + "|x|2")).isEmpty();
    }
}
