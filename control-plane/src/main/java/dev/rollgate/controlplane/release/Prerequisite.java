package dev.rollgate.controlplane.release;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.rollgate.controlplane.policy.Environment;

/**
 * An environment that requires another takes only a revision that SUCCEEDED there: the same version, image and
 * configuration ({@link Revision#digest()}), since a version label alone let a configuration the prerequisite
 * never ran through. Where the environment requires analysis, a release that skipped it does not count.
 */
final class Prerequisite {

    private static final List<String> SECRET_LOOKING = List.of("SECRET", "TOKEN", "PASSWORD", "KEY");

    private Prerequisite() {
    }

    /**
     * @param succeeded the releases of the candidate's version that SUCCEEDED in {@code env.requires()}, newest first
     * @return why {@code candidate} may not start in {@code env}, or empty when it may
     */
    static Optional<ReleaseProblem> refusal(String application, Environment env, Revision candidate,
                                           List<Release> succeeded) {
        String required = env.requires();
        String version = candidate.version();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("requires", required);
        extra.put("revision", candidate.digest());
        if (succeeded.isEmpty()) {
            return Optional.of(ReleaseProblem.conflict("Prerequisite not met", application + " " + version
                    + " has not SUCCEEDED in " + required + "; " + env.name() + " requires it first", extra));
        }
        List<Release> same = succeeded.stream().filter(r -> r.candidate().digest().equals(candidate.digest()))
                .toList();
        if (same.isEmpty()) {
            Revision ran = succeeded.get(0).candidate();
            extra.put("requiredRevision", ran.digest());
            return Optional.of(ReleaseProblem.conflict("Prerequisite not met", application + " " + version
                    + " has not SUCCEEDED in " + required + " as this revision: " + difference(required, ran, candidate)
                    + "; " + env.name() + " takes only what passed " + required, extra));
        }
        if (!env.requiresAnalysis() || same.stream().anyMatch(r -> !r.analysisSkipped())) {
            return Optional.empty();
        }
        Release skipped = same.get(0);
        String how = skipped.promotedByHand() ? "was promoted by hand before its analysis finished"
                : "ran without analysis (a fast-path rollback or bootstrap)";
        extra.put("requiredRelease", skipped.id().toString());
        return Optional.of(ReleaseProblem.conflict("Prerequisite not met", application + " " + version
                + " SUCCEEDED in " + required + " only without passing its analysis: release " + skipped.id() + " "
                + how + "; " + env.name() + " requires a release that passed analysis there"
                + " (rollgate.environments." + env.name() + ".requires-analysis)", extra));
    }

    private static String difference(String required, Revision ran, Revision asked) {
        StringBuilder why = new StringBuilder();
        if (!String.valueOf(ran.image()).equals(String.valueOf(asked.image()))) {
            why.append(required).append(" ran ").append(ran.version()).append(" as image ").append(image(ran))
                    .append("; this request has image ").append(image(asked));
        }
        if (!ran.config().equals(asked.config())) {
            TreeSet<String> differing = new TreeSet<>(ran.config().keySet());
            differing.addAll(asked.config().keySet());
            differing.removeIf(k -> java.util.Objects.equals(ran.config().get(k), asked.config().get(k)));
            if (!why.isEmpty()) {
                why.append("; ");
            }
            why.append(required).append(" ran ").append(ran.version()).append(" with config ").append(masked(ran))
                    .append("; this request has ").append(masked(asked)).append(" (differs in ")
                    .append(String.join(", ", differing)).append(")");
        }
        return why.toString();
    }

    private static String image(Revision r) {
        return r.image() == null ? "(none: the bundled build)" : r.image();
    }

    /** Configuration as text, with the values of keys that look like credentials hidden. */
    static String masked(Revision r) {
        Map<String, String> shown = new TreeMap<>();
        r.config().forEach((k, v) -> shown.put(k, secretLooking(k) ? "***" : v));
        return shown.toString();
    }

    private static boolean secretLooking(String key) {
        String upper = key.toUpperCase(Locale.ROOT);
        return SECRET_LOOKING.stream().anyMatch(upper::contains);
    }
}
