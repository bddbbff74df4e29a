package dev.rollgate.controlplane.notify.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.confirmationDialog;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.TextObject;

import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.ReleaseState;

/**
 * What Rollgate says in Slack, as Block Kit: one message per release that is rewritten as it moves (with Promote
 * and Rollback buttons while it is active), and a thread reply per event worth a person's attention. Pure.
 */
public final class SlackMessages {

    /** Action ids of the buttons; the interactivity endpoint maps them back to commands. */
    public static final String PROMOTE_ACTION = "rollgate_promote";
    public static final String ROLLBACK_ACTION = "rollgate_rollback";

    /** Steps of the way that the main message already shows well enough; the thread would only repeat them. */
    private static final Set<Type> UNTHREADED = EnumSet.of(Type.CREATED, Type.DEPLOYING, Type.CANDIDATE_READY);

    private final String consoleUrl;

    public SlackMessages(String consoleUrl) {
        this.consoleUrl = consoleUrl.endsWith("/") ? consoleUrl.substring(0, consoleUrl.length() - 1) : consoleUrl;
    }

    /** A rendered message: the plain text is what notifications and screen readers get. */
    public record Message(String text, List<LayoutBlock> blocks) {
    }

    public Message release(Release r) {
        String title = r.application() + " " + r.version() + " → " + r.environment();
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText(clip(title, 150)))));
        List<TextObject> fields = List.of(
                markdownText("*State*\n" + stateLine(r)),
                markdownText("*Traffic on " + escape(r.version()) + "*\n" + traffic(r) + " %"),
                markdownText("*Strategy*\n" + r.plan().strategy().name().toLowerCase(Locale.ROOT).replace('_', '-')),
                markdownText("*Started by*\n" + escape(r.startedBy().toString())));
        blocks.add(section(s -> s.fields(fields)));
        String previous = r.previous() == null ? "first release" : "replacing " + escape(r.previous().version());
        blocks.add(context(c -> c.elements(List.of(markdownText(previous + " · <" + link(r) + "|Open in Rollgate>")))));
        if (r.state().active()) {
            String id = r.id().toString();
            blocks.add(actions(a -> a.blockId("rollgate_release").elements(List.of(
                    button(b -> b.actionId(PROMOTE_ACTION).value(id).style("primary")
                            .text(plainText("Promote"))
                            .confirm(confirmationDialog(d -> d.title(plainText("Promote " + clip(r.version(), 30) + "?"))
                                    .text(plainText("Skips the remaining steps and makes it stable in "
                                            + r.environment() + "."))
                                    .confirm(plainText("Promote")).deny(plainText("Cancel"))))),
                    button(b -> b.actionId(ROLLBACK_ACTION).value(id).style("danger")
                            .text(plainText("Rollback"))
                            .confirm(confirmationDialog(d -> d.title(plainText("Roll back?"))
                                    .text(plainText("Moves all traffic back to " + (r.previous() == null
                                            ? "nothing (first release)" : r.previous().version()) + "."))
                                    .confirm(plainText("Roll back")).deny(plainText("Cancel")))))))));
        }
        return new Message(title + ": " + r.state(), blocks);
    }

    /** The thread reply for an event, or null for events the main message covers. */
    public String reply(Release r, ReleaseEvent e) {
        if (UNTHREADED.contains(e.type())) {
            return null;
        }
        String reason = e.reason() == null ? "" : escape(e.reason());
        String by = e.actor().kind() == dev.rollgate.controlplane.release.Actor.Kind.SYSTEM ? ""
                : " (by " + escape(e.actor().toString()) + ")";
        return switch (e.type()) {
            case STEP_ADVANCED -> ":arrow_forward: " + reason;
            case GATE_FAILED -> ":rotating_light: Gate *" + escape(String.valueOf(e.data().get("gate")))
                    + "* tripped: " + figure(e.data().get("value")) + " vs threshold "
                    + figure(e.data().get("threshold")) + "\n" + reason;
            case SMOKE_PASSED -> ":white_check_mark: " + reason;
            case SMOKE_FAILED -> ":x: " + reason;
            case PAUSED -> ":double_vertical_bar: Paused: " + reason + by;
            case RESUMED -> ":arrow_forward: Resumed: " + reason + by;
            case PROMOTING -> ":rocket: " + reason + by;
            case ROLLBACK_STARTED -> ":rewind: Rolling back: " + reason + by;
            case SUCCEEDED -> ":tada: *Succeeded*: " + reason + by;
            case ROLLED_BACK -> ":leftwards_arrow_with_hook: *Rolled back*: " + reason;
            case ABORTED -> ":no_entry: *Aborted*: " + reason + by;
            case FAILED -> ":boom: *Failed*: " + reason;
            case CLEANUP_FAILED -> ":warning: *Manual action needed*: " + reason;
            case ROUTE_RESTORED -> ":wrench: Route changed outside Rollgate: " + reason;
            default -> escape(e.type().name()) + ": " + reason;
        };
    }

    public String link(Release r) {
        return consoleUrl + "/releases/" + r.id();
    }

    private static String stateLine(Release r) {
        String state = r.state().name();
        if (r.state() == ReleaseState.PROGRESSING || r.state() == ReleaseState.PAUSED) {
            int steps = r.plan().steps().size();
            return state + " (step " + Math.min(r.step() + 1, steps) + " of " + steps + ")";
        }
        return state;
    }

    /** A finished release keeps the weight of its last step; what serves now is all or nothing. */
    private static int traffic(Release r) {
        if (r.state() == ReleaseState.SUCCEEDED) {
            return 100;
        }
        return r.state().terminal() ? 0 : r.weight();
    }

    private static String figure(Object value) {
        if (value instanceof Number n) {
            return String.format(Locale.ROOT, "%.2f", n.doubleValue());
        }
        return value == null || "".equals(value) ? "n/a" : escape(value.toString());
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** Slack's mrkdwn treats &lt; &gt; &amp; as control characters; anything from outside must not form links. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
