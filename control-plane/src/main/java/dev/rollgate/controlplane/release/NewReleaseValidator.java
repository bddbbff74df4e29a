package dev.rollgate.controlplane.release;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.rollgate.controlplane.release.ReleaseProblem.FieldProblem;

/** Input rules for a new release, shared by every channel that can start one. */
public final class NewReleaseValidator {

    public static final Pattern VERSION = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
    public static final Pattern CONFIG_KEY = Pattern.compile("^[A-Z][A-Z0-9_]{0,63}$");
    private static final Pattern COMMIT = Pattern.compile("^[0-9a-fA-F]{7,40}$");
    private static final Pattern IMAGE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$");
    private static final int MAX_CONFIG_VALUE_BYTES = 1024;
    private static final int MAX_CONFIG_ENTRIES = 64;

    private NewReleaseValidator() {
    }

    public static List<FieldProblem> problems(NewRelease r) {
        List<FieldProblem> problems = new ArrayList<>();
        if (r.application() == null || r.application().isBlank()) {
            problems.add(new FieldProblem("application", "is required"));
        }
        if (r.environment() == null || r.environment().isBlank()) {
            problems.add(new FieldProblem("environment", "is required"));
        }
        if (r.version() == null || !VERSION.matcher(r.version()).matches()) {
            problems.add(new FieldProblem("version", "must match " + VERSION.pattern()));
        }
        if (r.image() != null && !IMAGE.matcher(r.image()).matches()) {
            problems.add(new FieldProblem("image", "must be an image reference without spaces, at most 255 characters"));
        }
        if (r.commitSha() != null && !COMMIT.matcher(r.commitSha()).matches()) {
            problems.add(new FieldProblem("commitSha", "must be 7 to 40 hexadecimal characters"));
        }
        if (r.config().size() > MAX_CONFIG_ENTRIES) {
            problems.add(new FieldProblem("config", "may hold at most " + MAX_CONFIG_ENTRIES + " entries"));
        }
        for (Map.Entry<String, String> e : r.config().entrySet()) {
            if (e.getKey() == null || !CONFIG_KEY.matcher(e.getKey()).matches()) {
                problems.add(new FieldProblem("config." + e.getKey(), "key must match " + CONFIG_KEY.pattern()));
            } else if (e.getValue() == null) {
                problems.add(new FieldProblem("config." + e.getKey(), "value must be a string"));
            } else if (e.getValue().getBytes(StandardCharsets.UTF_8).length > MAX_CONFIG_VALUE_BYTES) {
                problems.add(new FieldProblem("config." + e.getKey(), "value must be at most 1 KiB"));
            }
        }
        return problems;
    }
}
