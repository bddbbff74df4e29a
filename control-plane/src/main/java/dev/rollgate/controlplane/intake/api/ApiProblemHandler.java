package dev.rollgate.controlplane.intake.api;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ContentTooLargeException;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.release.ReleaseProblem.FieldProblem;
import reactor.core.publisher.Mono;

/**
 * Every API error as an RFC 9457 problem detail that names the field or parameter and says what to change.
 * Refusals at the door (before the engine saw a command) are audited here, as the engine audits its own.
 */
@RestControllerAdvice(basePackages = "dev.rollgate.controlplane.intake.api")
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ApiProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiProblemHandler.class);

    private final IntakeAudit audit;

    public ApiProblemHandler(IntakeAudit audit) {
        this.audit = audit;
    }

    @ExceptionHandler(IntakeRefusal.class)
    Mono<ResponseEntity<ProblemDetail>> intake(IntakeRefusal e, ServerWebExchange exchange) {
        return audit.refused(exchange, e).then(Mono.fromSupplier(() -> release(e)));
    }

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
        return respond(status, problem);
    }

    @ExceptionHandler(ServerWebInputException.class)
    Mono<ResponseEntity<ProblemDetail>> input(ServerWebInputException e, ServerWebExchange exchange) {
        var parameter = e.getMethodParameter();
        String name = parameter == null ? null : parameter.getParameterName();
        boolean path = parameter != null && parameter.hasParameterAnnotation(PathVariable.class);
        String where = (path ? "path parameter " : "query parameter ") + name;
        FieldProblem problem;
        if (e.getCause() instanceof TypeMismatchException mismatch && name != null) {
            problem = new FieldProblem(name, where + " must be " + expected(mismatch.getRequiredType()) + "; got '"
                    + mismatch.getValue() + "'");
        } else if (e instanceof MissingRequestValueException missing) {
            problem = new FieldProblem(missing.getName(), missing.getLabel() + " '" + missing.getName()
                    + "' is required");
        } else if (e.getReason() != null && e.getReason().startsWith("No request body")) {
            problem = new FieldProblem("body", "a JSON object is required as the request body");
        } else {
            problem = new FieldProblem(name == null ? "request" : name, "could not be read: "
                    + (e.getMostSpecificCause().getMessage() == null ? e.getReason()
                    : e.getMostSpecificCause().getMessage()));
        }
        return intake(IntakeRefusal.badInput(List.of(problem)), exchange);
    }

    @ExceptionHandler(UnsupportedMediaTypeStatusException.class)
    Mono<ResponseEntity<ProblemDetail>> mediaType(UnsupportedMediaTypeStatusException e, ServerWebExchange exchange) {
        String sent = e.getContentType() == null ? "no Content-Type" : "Content-Type " + e.getContentType();
        return status(exchange, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                "send the body as JSON with Content-Type: application/json; this request had " + sent);
    }

    @ExceptionHandler({PayloadTooLargeException.class, ContentTooLargeException.class})
    Mono<ResponseEntity<ProblemDetail>> tooLarge(ResponseStatusException e, ServerWebExchange exchange) {
        return status(exchange, HttpStatus.CONTENT_TOO_LARGE, "Request body too large",
                "the request body is too large: this API takes at most 256 KiB; keep reasons and config values short"
                        + " (a reason is at most 1000 characters, a config value at most 1 KiB)");
    }

    @ExceptionHandler(ResponseStatusException.class)
    ResponseEntity<ProblemDetail> status(ResponseStatusException e) {
        HttpStatusCode status = e.getStatusCode();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getReason() == null
                ? "the request could not be served (" + status.value() + ")" : e.getReason());
        return respond(status, problem);
    }

    /** A bug or an outage, not the caller's fault: a problem detail without internals, the cause in the log. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, ServerWebExchange exchange) {
        String reference = UUID.randomUUID().toString();
        log.error("API request {} {} failed (reference {})", exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(), reference, e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "Rollgate could not complete this request; nothing was changed unless the release's events say so."
                        + " Reference " + reference + " is in the server log.");
        problem.setTitle("Internal error");
        return respond(HttpStatus.INTERNAL_SERVER_ERROR, problem);
    }

    private Mono<ResponseEntity<ProblemDetail>> status(ServerWebExchange exchange, HttpStatus status, String title,
                                                       String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return audit.refused(exchange, title + ": " + detail).thenReturn(respond(status, problem));
    }

    private static ResponseEntity<ProblemDetail> respond(HttpStatusCode status, ProblemDetail problem) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static String expected(Class<?> type) {
        if (type == UUID.class) {
            return "a UUID such as 3f0c2b9e-5d4a-4c1e-9b7a-1d2e3f4a5b6c";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        return "a " + (type == null ? "value" : type.getSimpleName());
    }
}
