package dev.rollgate.videoapi.web;

/** One entry of a 400 problem's "errors" array: which input was wrong and why. */
public record FieldProblem(String field, String message) {
}
