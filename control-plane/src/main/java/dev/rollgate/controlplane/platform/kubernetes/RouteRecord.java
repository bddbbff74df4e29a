package dev.rollgate.controlplane.platform.kubernetes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.Target;

/**
 * What the routers stamp on the objects they own: the labels their informers select on, and the annotation
 * {@value #ANNOTATION} recording the weights Rollgate wrote, so that an edit by anyone else shows as a difference
 * between that record and the spec beside it.
 */
final class RouteRecord {

    static final String ANNOTATION = "rollgate.dev/weights";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String ROLLGATE = "rollgate";
    /** The header (and its value) that reaches the preview track. */
    static final String PREVIEW_HEADER = "canary";
    static final String PREVIEW_VALUE = "true";

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,3})/(\\d{1,3})/(-|stable|canary)");

    private RouteRecord() {
    }

    static Map<String, String> labels(Target target) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, ROLLGATE);
        labels.put("app", target.application());
        return labels;
    }

    /** {@code 95/5/canary}: stable, canary, preview track or {@code -}. */
    static String format(Weights w) {
        return w.stable() + "/" + w.canary() + "/" + (w.preview() == null ? "-" : w.preview().id());
    }

    /** The weights an annotation records, or null when it is absent or not Rollgate's format. */
    static Weights parse(String recorded) {
        Matcher m = recorded == null ? null : FORMAT.matcher(recorded);
        if (m == null || !m.matches()) {
            return null;
        }
        int stable = Integer.parseInt(m.group(1));
        int canary = Integer.parseInt(m.group(2));
        if (stable + canary != 100) {
            return null;
        }
        Track preview = "-".equals(m.group(3)) ? null : track(m.group(3));
        return new Weights(stable, canary, preview);
    }

    /** The track a subset, Service suffix or annotation names, or null for any other name. */
    static Track track(String id) {
        for (Track t : Track.values()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        return null;
    }

    /** For people: {@code 75/25}, with the header route when there is one. */
    static String describe(Weights w) {
        String split = w.stable() + "/" + w.canary();
        return w.preview() == null ? split : split + " (" + PREVIEW_HEADER + ": " + PREVIEW_VALUE + " to "
                + w.preview().id() + ")";
    }

    /**
     * @param kind     the object's kind, as people know it
     * @param observed the weights its spec gives, null when Rollgate's routes are not readable in it any more
     * @param recorded the object's {@value #ANNOTATION} annotation, or null
     */
    static Optional<String> foreignChange(String kind, String name, Weights observed, String recorded) {
        Weights written = parse(recorded);
        if (written == null) {
            return Optional.of(kind + " " + name + " has no readable " + ANNOTATION + " record, so Rollgate did not"
                    + " write it as it is; the next route replaces its routes with Rollgate's");
        }
        if (observed == null) {
            return Optional.of(kind + " " + name + " no longer has Rollgate's routes where Rollgate set "
                    + describe(written) + "; putting it back");
        }
        if (!observed.equals(written)) {
            return Optional.of(kind + " " + name + " had " + describe(observed) + " where Rollgate set "
                    + describe(written) + "; putting it back");
        }
        return Optional.empty();
    }
}
