package dev.rollgate.controlplane.notify.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.notify.slack.SlackCalls.Posted;
import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.Placement;
import dev.rollgate.controlplane.release.Plan;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.Revision;
import reactor.core.publisher.Mono;

/** What one delivery tells the outbox: done, or try again later; and what the notifier keeps between them. */
class SlackNotifierDeliveryTests {

    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    private static final Posted ROOT = new Posted("C0STAGING", "1700000000.000100");

    private final SlackCalls slack = mock(SlackCalls.class);
    private final SlackMessageRepository store = mock(SlackMessageRepository.class);
    private final SlackNotifier notifier = new SlackNotifier(slack, new SlackMessages("https://rollgate.example.com"),
            store, properties());

    @Test
    void failsTheDeliveryWhenSlackIsStillUnreachableAfterItsOwnRetries() {
        when(store.find(any())).thenReturn(Mono.empty());
        when(slack.post(anyString(), isNull(), anyString(), any())).thenReturn(Mono.error(new IOException("reset")));

        assertThatThrownBy(() -> notifier.publish(release(UUID.randomUUID(), ReleaseState.PROGRESSING), stepAdvanced())
                .block()).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void countsARefusalAsDeliveredSinceAskingAgainWouldGetTheSameAnswer() {
        when(store.find(any())).thenReturn(Mono.empty());
        when(slack.post(anyString(), isNull(), anyString(), any()))
                .thenReturn(Mono.error(new SlackCalls.Refused("chat.postMessage", "channel_not_found")));

        // Completes (the outbox moves on) rather than failing into a retry; nothing else is asked of Slack.
        notifier.publish(release(UUID.randomUUID(), ReleaseState.PROGRESSING), stepAdvanced()).block();

        org.mockito.Mockito.verify(slack, org.mockito.Mockito.times(1)).post(anyString(), isNull(), anyString(), any());
        org.mockito.Mockito.verify(store, org.mockito.Mockito.never()).save(any(), any());
        org.mockito.Mockito.verifyNoMoreInteractions(slack);
    }

    @Test
    void keepsTheShownMessageOfABoundedNumberOfReleasesAndForgetsOneThatEnds() {
        when(store.find(any())).thenReturn(Mono.just(ROOT));
        when(slack.update(anyString(), anyString(), anyString(), any())).thenReturn(Mono.empty());
        when(slack.post(anyString(), anyString(), anyString(), isNull())).thenReturn(Mono.just(ROOT));

        // Releases that ended on another replica never show their end here.
        for (int i = 0; i < SlackNotifier.SHOWN_LIMIT + 50; i++) {
            notifier.publish(release(UUID.randomUUID(), ReleaseState.PROGRESSING), stepAdvanced()).block();
        }
        assertThat(notifier.remembered()).isEqualTo(SlackNotifier.SHOWN_LIMIT);

        UUID ending = UUID.randomUUID();
        notifier.publish(release(ending, ReleaseState.PROGRESSING), stepAdvanced()).block();
        notifier.publish(release(ending, ReleaseState.SUCCEEDED), new ReleaseEvent(ReleaseEvent.Type.SUCCEEDED,
                Actor.SYSTEM, "promoted", Map.of(), T0)).block();
        assertThat(notifier.remembered()).isEqualTo(SlackNotifier.SHOWN_LIMIT - 1);
    }

    private static ReleaseEvent stepAdvanced() {
        return new ReleaseEvent(ReleaseEvent.Type.STEP_ADVANCED, Actor.SYSTEM, "step 2 of 3: 25 % of traffic",
                Map.of("step", 2, "weight", 25), T0);
    }

    private static Release release(UUID id, ReleaseState state) {
        Plan plan = new Plan(Plan.Strategy.CANARY, List.of(5, 25, 50), Duration.ofSeconds(30), Duration.ofSeconds(30),
                0, 4, Duration.ofMinutes(2), Duration.ofMinutes(5), true, true);
        return new Release(id, "video-api", "staging", new Revision("1.1.0", null, Map.of()),
                new Revision("1.0.0", null, Map.of()), null, plan,
                new Placement("local", "local", "builtin", "default", null), state, null, 1, 25, T0, T0, 0, 0, false,
                false, new Actor(Actor.Kind.CONSOLE, "alice"), T0, 0);
    }

    private static SlackProperties properties() {
        return new SlackProperties("xoxb-test", "signing-secret", "https://slack.com/api/",
                Map.of("staging", "#deploys-staging"), Map.of(), "viewer", Duration.ofSeconds(1), 5,
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60),
                org.springframework.util.unit.DataSize.ofKilobytes(64), List.of("hooks.slack.com"));
    }
}
