package dev.rollgate.controlplane.intake.api;

import java.util.List;
import java.util.Map;

import dev.rollgate.controlplane.release.ReleaseProblem;

/**
 * A command refused at the door, before the engine saw it (an unreadable body, a bad header, an unknown target):
 * the engine audits what it refuses, so these are audited by {@link ApiProblemHandler} instead.
 */
final class IntakeRefusal extends ReleaseProblem {

    private IntakeRefusal(Kind kind, String title, String detail, List<FieldProblem> fields) {
        super(kind, title, detail, fields, Map.of());
    }

    static IntakeRefusal badInput(String title, List<FieldProblem> fields) {
        return new IntakeRefusal(Kind.INVALID, title, ReleaseProblem.invalid(fields).getMessage(), fields);
    }

    static IntakeRefusal badInput(List<FieldProblem> fields) {
        return badInput("Invalid request", fields);
    }

    static IntakeRefusal unknownTarget(String detail) {
        return new IntakeRefusal(Kind.NOT_FOUND, "Not found", detail, List.of());
    }
}
