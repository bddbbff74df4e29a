package dev.rollgate.controlplane.release;

import java.util.List;
import java.util.Map;

/**
 * A request Rollgate refuses, with what an RFC 9457 problem detail needs. {@code fields} names the bad input;
 * {@code extra} carries machine-readable context (e.g. the active release blocking a new one).
 */
public class ReleaseProblem extends RuntimeException {

    public enum Kind { INVALID, NOT_FOUND, CONFLICT, UNAVAILABLE, IDEMPOTENCY_MISMATCH, FORBIDDEN }

    private final Kind kind;
    private final String title;
    private final List<FieldProblem> fields;
    private final Map<String, Object> extra;

    public ReleaseProblem(Kind kind, String title, String detail, List<FieldProblem> fields, Map<String, Object> extra) {
        super(detail);
        this.kind = kind;
        this.title = title;
        this.fields = List.copyOf(fields);
        this.extra = Map.copyOf(extra);
    }

    public static ReleaseProblem invalid(List<FieldProblem> fields) {
        String detail = "Invalid " + String.join(", ", fields.stream().map(FieldProblem::field).distinct().toList())
                + ": " + String.join("; ", fields.stream().map(f -> f.field() + " " + f.message()).toList());
        return new ReleaseProblem(Kind.INVALID, "Invalid request", detail, fields, Map.of());
    }

    public static ReleaseProblem forbidden(String detail) {
        return new ReleaseProblem(Kind.FORBIDDEN, "Forbidden", detail, List.of(), Map.of());
    }

    public static ReleaseProblem notFound(String detail) {
        return new ReleaseProblem(Kind.NOT_FOUND, "Not found", detail, List.of(), Map.of());
    }

    public static ReleaseProblem conflict(String title, String detail, Map<String, Object> extra) {
        return new ReleaseProblem(Kind.CONFLICT, title, detail, List.of(), extra);
    }

    public Kind kind() {
        return kind;
    }

    public String title() {
        return title;
    }

    public List<FieldProblem> fields() {
        return fields;
    }

    public Map<String, Object> extra() {
        return extra;
    }

    public record FieldProblem(String field, String message) {
    }
}
