package dev.rollgate.controlplane.intake.api;

import java.util.List;
import java.util.regex.Pattern;

import dev.rollgate.controlplane.release.ReleaseProblem.FieldProblem;

final class IdempotencyKeys {

    private static final Pattern KEY = Pattern.compile("^[A-Za-z0-9._:-]{1,200}$");

    private IdempotencyKeys() {
    }

    static String check(String key) {
        if (key == null) {
            return null;
        }
        if (!KEY.matcher(key).matches()) {
            throw IntakeRefusal.badInput(List.of(new FieldProblem("Idempotency-Key",
                    "header must be 1 to 200 characters of letters, digits, '.', '_', ':' or '-'")));
        }
        return key;
    }
}
