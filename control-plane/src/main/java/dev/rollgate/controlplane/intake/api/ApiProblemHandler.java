package dev.rollgate.controlplane.intake.api;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebInputException;

import dev.rollgate.controlplane.release.ReleaseProblem;

/** Every API error as an RFC 9457 problem detail. */
@RestControllerAdvice(basePackages = "dev.rollgate.controlplane.intake.api")
public class ApiProblemHandler {

    @ExceptionHandler(ReleaseProblem.class)
    ResponseEntity<ProblemDetail> release(ReleaseProblem e) {
        HttpStatus status = switch (e.kind()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case IDEMPOTENCY_MISMATCH -> HttpStatus.UNPROCESSABLE_CONTENT;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
        };
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        problem.setTitle(e.title());
        if (!e.fields().isEmpty()) {
            problem.setProperty("errors", e.fields().stream()
                    .map(f -> Map.of("field", f.field(), "message", f.message())).toList());
        }
        e.extra().forEach(problem::setProperty);
        return ResponseEntity.status(status).body(problem);
    }

    @ExceptionHandler(ServerWebInputException.class)
    ResponseEntity<ProblemDetail> input(ServerWebInputException e) {
        String detail = e.getReason() == null ? "malformed request" : e.getReason();
        Throwable cause = e.getMostSpecificCause();
        if (cause != e && cause.getMessage() != null && detail.contains("Failed to read HTTP message")) {
            detail = "request body is not valid JSON for this endpoint";
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Invalid request");
        if (e.getMethodParameter() != null && e.getMethodParameter().getParameterName() != null) {
            problem.setProperty("errors", List.of(Map.of("field", e.getMethodParameter().getParameterName(),
                    "message", detail)));
        }
        problem.setType(URI.create("about:blank"));
        return ResponseEntity.badRequest().body(problem);
    }
}
