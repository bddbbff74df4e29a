package dev.rollgate.controlplane.release;

import java.util.List;

/**
 * The machine's answer: the release as it should now be stored, the events to append with it and the effects
 * to carry out. A refused command carries its reason in {@code refusal} and changes nothing; {@code forbidden}
 * marks a refusal that a higher role would not get.
 */
public record Decision(Release release, List<ReleaseEvent> events, List<Effect> effects, String refusal,
                       boolean forbidden) {

    public Decision(Release release, List<ReleaseEvent> events, List<Effect> effects, String refusal) {
        this(release, events, effects, refusal, false);
    }

    public Decision {
        events = List.copyOf(events);
        effects = List.copyOf(effects);
    }

    public static Decision unchanged(Release release) {
        return new Decision(release, List.of(), List.of(), null);
    }

    public static Decision refused(Release release, String reason) {
        return new Decision(release, List.of(), List.of(), reason);
    }

    /** Refused because the command needs a higher role, not because of the state. */
    public static Decision forbidden(Release release, String reason) {
        return new Decision(release, List.of(), List.of(), reason, true);
    }

    /** The same decision with {@code event}, which was seen before it was taken, recorded first. */
    public Decision withEvent(ReleaseEvent event) {
        List<ReleaseEvent> all = new java.util.ArrayList<>(events.size() + 1);
        all.add(event);
        all.addAll(events);
        return new Decision(release, all, effects, refusal, forbidden);
    }

    public boolean refusedCommand() {
        return refusal != null;
    }

    public boolean changed() {
        return !events.isEmpty();
    }
}
