package dev.rollgate.controlplane.notify.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.slack.api.util.json.GsonFactory;

import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.Plan;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.Revision;

class SlackMessagesTests {

    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    private final SlackMessages messages = new SlackMessages("https://rollgate.example.com/");

    private static Release release(ReleaseState state, int step, int weight) {
        Plan plan = new Plan(Plan.Strategy.CANARY, List.of(5, 25, 50), Duration.ofSeconds(30), Duration.ofSeconds(30),
                0, 4, Duration.ofMinutes(2), Duration.ofMinutes(5), true, true);
        return new Release(UUID.fromString("00000000-0000-0000-0000-0000000000aa"), "video-api", "staging",
                new Revision("1.1.0", null, Map.of()), new Revision("1.0.0", null, Map.of()), null, plan,
                new dev.rollgate.controlplane.release.Placement("local", "local", "builtin", "default", null), state, null,
                step, weight, T0, T0, 0, 0, false, false, new Actor(Actor.Kind.CONSOLE, "alice"), T0, 0);
    }

    private static String json(SlackMessages.Message m) {
        return GsonFactory.createSnakeCase().toJson(m.blocks());
    }

    @Test
    void anActiveReleaseShowsItsFiguresALinkAndBothButtons() {
        String blocks = json(messages.release(release(ReleaseState.PROGRESSING, 1, 25)));
        assertThat(blocks).contains("video-api 1.1.0 → staging").contains("PROGRESSING (step 2 of 3)")
                .contains("25 %").contains("console:alice").contains("replacing 1.0.0")
                .contains("https://rollgate.example.com/releases/00000000-0000-0000-0000-0000000000aa|Open in Rollgate")
                .contains("\"action_id\":\"rollgate_promote\"").contains("\"action_id\":\"rollgate_rollback\"")
                .contains("\"value\":\"00000000-0000-0000-0000-0000000000aa\"");
    }

    @ParameterizedTest
    @EnumSource(value = ReleaseState.class, names = {"SUCCEEDED", "ROLLED_BACK", "ABORTED", "FAILED"})
    void aFinishedReleaseHasNoButtonsAndShowsWhatServesNow(ReleaseState state) {
        String blocks = json(messages.release(release(state, 2, 50)));
        assertThat(blocks).doesNotContain("rollgate_promote").doesNotContain("rollgate_rollback")
                .contains(state == ReleaseState.SUCCEEDED ? "100 %" : "\\n0 %");
    }

    @Test
    void aGateTripSaysValueAgainstThreshold() {
        ReleaseEvent tripped = new ReleaseEvent(ReleaseEvent.Type.GATE_FAILED, Actor.SYSTEM,
                "error-rate 31.20 % vs threshold 5.00 % (3 bad of 10)",
                Map.of("gate", "error-rate", "value", 31.2, "threshold", 5.0), T0);
        assertThat(messages.reply(release(ReleaseState.ROLLING_BACK, 0, 5), tripped))
                .startsWith(":rotating_light: Gate *error-rate* tripped: 31.20 vs threshold 5.00");
    }

    @Test
    void repliesNameThePersonButNotRollgateItself() {
        ReleaseEvent byPerson = new ReleaseEvent(ReleaseEvent.Type.ROLLBACK_STARTED,
                new Actor(Actor.Kind.SLACK, "U0MANAGER"), "from Slack by maria", Map.of(), T0);
        ReleaseEvent bySystem = new ReleaseEvent(ReleaseEvent.Type.ROLLBACK_STARTED, Actor.SYSTEM, "gate x", Map.of(), T0);
        assertThat(messages.reply(release(ReleaseState.ROLLING_BACK, 0, 5), byPerson)).endsWith("(by slack:U0MANAGER)");
        assertThat(messages.reply(release(ReleaseState.ROLLING_BACK, 0, 5), bySystem)).doesNotContain("(by");
        assertThat(messages.reply(release(ReleaseState.DEPLOYING, 0, 0), new ReleaseEvent(ReleaseEvent.Type.DEPLOYING,
                Actor.SYSTEM, "x", Map.of(), T0))).as("the main message shows it").isNull();
    }

    @Test
    void outsideTextCannotFormLinksOrMentions() {
        ReleaseEvent paused = new ReleaseEvent(ReleaseEvent.Type.PAUSED, new Actor(Actor.Kind.API, "token:ci"),
                "see <https://evil.example|here> & <!channel>", Map.of(), T0);
        assertThat(messages.reply(release(ReleaseState.PAUSED, 0, 5), paused))
                .contains("see &lt;https://evil.example|here&gt; &amp; &lt;!channel&gt;").doesNotContain("<!channel>");
    }
}
