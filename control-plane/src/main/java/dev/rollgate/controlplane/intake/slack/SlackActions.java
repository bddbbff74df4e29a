package dev.rollgate.controlplane.intake.slack;

import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.notify.slack.SlackMessages;
import dev.rollgate.controlplane.release.Command;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the one thing Rollgate needs from a block_actions payload: who clicked which button on which release, and
 * where to answer them.
 */
@Component
public class SlackActions {

    private final JsonMapper json;

    public SlackActions(JsonMapper json) {
        this.json = json;
    }

    /**
     * @param type           the command, or null for an interaction Rollgate has no button for
     * @param idempotencyKey a click's trigger id, so a redelivered request does nothing twice
     * @param responseUrl    where Slack takes the answer for the clicking user, or null; not checked here
     */
    public record Action(Command.Type type, String value, String userId, String userName, String idempotencyKey,
                         String responseUrl) {
    }

    public Action parse(String payload) {
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("payload is not JSON");
        }
        String userId = text(root.path("user").path("id"))
                .orElseThrow(() -> new IllegalArgumentException("payload has no user.id"));
        String name = text(root.path("user").path("username")).or(() -> text(root.path("user").path("name")))
                .orElse(userId);
        JsonNode action = root.path("actions").path(0);
        Command.Type type = !"block_actions".equals(root.path("type").asString("")) ? null
                : switch (action.path("action_id").asString("")) {
                    case SlackMessages.PROMOTE_ACTION -> Command.Type.PROMOTE;
                    case SlackMessages.ROLLBACK_ACTION -> Command.Type.ROLLBACK;
                    default -> null;
                };
        String key = text(root.path("trigger_id")).or(() -> text(action.path("action_ts")))
                .map(k -> "slack:" + k).orElse(null);
        return new Action(type, text(action.path("value")).orElse(null), userId, name, key,
                text(root.path("response_url")).orElse(null));
    }

    private static Optional<String> text(JsonNode node) {
        return node.isString() && !node.asString().isBlank() ? Optional.of(node.asString()) : Optional.empty();
    }
}
