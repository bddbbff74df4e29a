package dev.rollgate.controlplane.release;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.rollgate.controlplane.release.ReleaseProblem.FieldProblem;

/** Input rules for a new release, shared by every channel that can start one. */
public final class NewReleaseValidator {

    public static final Pattern VERSION = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$");
    public static final Pattern CONFIG_KEY = Pattern.compile("^[A-Z][A-Z0-9_]{0,63}$");
    private static final Pattern COMMIT = Pattern.compile("^[0-9a-fA-F]{7,40}$");
    private static final Pattern IMAGE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$");
    private static final int MAX_CONFIG_VALUE_BYTES = 1024;
    private static final int MAX_CONFIG_ENTRIES = 64;

    private NewReleaseValidator() {
    }

    public static final String VERSION_RULE = "must be 1 to 63 letters, digits, '.', '_' or '-', starting and ending"
            + " with a letter or digit (it becomes a Kubernetes label value and an image tag)";
    public static final String CONFIG_KEY_RULE = "must be 1 to 64 upper-case letters, digits or '_', starting with a"
            + " letter";

    public static List<FieldProblem> problems(NewRelease r) {
        List<FieldProblem> problems = new ArrayList<>();
        required(problems, "application", r.application());
        required(problems, "environment", r.environment());
        if (r.version() == null || r.version().isEmpty()) {
            problems.add(new FieldProblem("version", "is required"));
        } else if (text(problems, "version", r.version()) && !VERSION.matcher(r.version()).matches()) {
            problems.add(new FieldProblem("version", VERSION_RULE));
        }
        if (r.image() != null && text(problems, "image", r.image()) && !IMAGE.matcher(r.image()).matches()) {
            problems.add(new FieldProblem("image", "must be an image reference without spaces, at most 255 characters"));
        }
        if (r.commitSha() != null && text(problems, "commitSha", r.commitSha())
                && !COMMIT.matcher(r.commitSha()).matches()) {
            problems.add(new FieldProblem("commitSha", "must be 7 to 40 hexadecimal characters"));
        }
        if (r.config().size() > MAX_CONFIG_ENTRIES) {
            problems.add(new FieldProblem("config", "may hold at most " + MAX_CONFIG_ENTRIES + " entries"));
        }
        for (Map.Entry<String, String> e : r.config().entrySet()) {
            String field = "config." + e.getKey();
            if (e.getKey() == null || !text(problems, field, e.getKey())) {
                continue;
            }
            if (!CONFIG_KEY.matcher(e.getKey()).matches()) {
                problems.add(new FieldProblem(field, "key " + CONFIG_KEY_RULE));
            } else if (e.getValue() == null) {
                problems.add(new FieldProblem(field, "value must be a string"));
            } else if (text(problems, field, e.getValue())
                    && e.getValue().getBytes(StandardCharsets.UTF_8).length > MAX_CONFIG_VALUE_BYTES) {
                problems.add(new FieldProblem(field, "value must be at most 1 KiB"));
            }
        }
        return problems;
    }

    /** The reason given with a command, from any channel: optional, but stored as it was written. */
    public static List<FieldProblem> reasonProblems(String reason) {
        return TextRules.reasonProblem(reason).map(p -> List.of(new FieldProblem("reason", p))).orElse(List.of());
    }

    private static void required(List<FieldProblem> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(new FieldProblem(field, "is required"));
        } else {
            text(problems, field, value);
        }
    }

    /** Adds the text problem of {@code value} if it has one; true when it has none. */
    private static boolean text(List<FieldProblem> problems, String field, String value) {
        var problem = TextRules.problem(value);
        problem.ifPresent(p -> problems.add(new FieldProblem(field, p)));
        return problem.isEmpty();
    }
}
