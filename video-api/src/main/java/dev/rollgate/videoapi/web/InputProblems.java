package dev.rollgate.videoapi.web;

import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.core.codec.DecodingException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.exc.MismatchedInputException;

/** Reads which field an unreadable request input was about, from the causes Spring and Jackson attach. */
final class InputProblems {

    private InputProblems() {
    }

    /** A query or path value that could not be converted, e.g. /api/videos/abc or ?page=x. */
    static Optional<FieldProblem> typeMismatch(Throwable error, MethodParameter parameter) {
        TypeMismatchException mismatch = find(error, TypeMismatchException.class);
        if (mismatch == null || parameter == null) {
            return Optional.empty();
        }
        return Optional.of(new FieldProblem(parameterName(parameter), expectation(mismatch.getRequiredType())));
    }

    /** A body that is valid JSON but has a value of the wrong type, e.g. "durationSeconds": 1.5. */
    static Optional<FieldProblem> bodyFieldMismatch(Throwable error) {
        if (find(error, DecodingException.class) == null) {
            return Optional.empty();
        }
        // Mismatch: wrong JSON type for the field; coercion: a number too large for it. Other
        // Jackson errors are syntax errors, which can carry a path too but are not the field's fault.
        MismatchedInputException mismatch = find(error, MismatchedInputException.class);
        JacksonException problem = mismatch != null ? mismatch : find(error, InputCoercionException.class);
        if (problem == null || problem.getPath().isEmpty()) {
            return Optional.empty();
        }
        String field = problem.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        String message = mismatch != null ? expectation(mismatch.getTargetType()) : "is out of range";
        return Optional.of(new FieldProblem(field, message));
    }

    /** A body the JSON decoder refused without a field to blame, e.g. a syntax error. */
    static boolean isMalformedJson(Throwable error) {
        return find(error, DecodingException.class) != null;
    }

    static String parameterName(MethodParameter parameter) {
        RequestParam requestParam = parameter.getParameterAnnotation(RequestParam.class);
        if (requestParam != null && !requestParam.name().isEmpty()) {
            return requestParam.name();
        }
        PathVariable pathVariable = parameter.getParameterAnnotation(PathVariable.class);
        if (pathVariable != null && !pathVariable.name().isEmpty()) {
            return pathVariable.name();
        }
        String name = parameter.getParameterName();
        return name != null ? name : "arg" + parameter.getParameterIndex();
    }

    private static String expectation(Class<?> type) {
        if (type == null) {
            return "has an invalid value";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "must be a whole number";
        }
        if (type == String.class) {
            return "must be a string";
        }
        return "has an invalid value";
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
