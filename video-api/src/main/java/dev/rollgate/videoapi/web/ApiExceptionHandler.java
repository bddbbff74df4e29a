package dev.rollgate.videoapi.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

import reactor.core.publisher.Mono;

/**
 * RFC 9457 problem details for every client error. Bad input always gets an "errors" array of
 * {field, message} and a detail that names the fields, so a client can fix a request without
 * reading server logs.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    static final String ERRORS = "errors";

    /** @Valid request bodies (POST /api/videos). */
    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(
            WebExchangeBindException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<FieldProblem> problems = new ArrayList<>();
        ex.getFieldErrors().forEach(error -> problems.add(fieldProblem(error)));
        ex.getGlobalErrors().forEach(error -> problems.add(new FieldProblem(error.getObjectName(), error.getDefaultMessage())));
        return badRequest(ex, problems, headers, exchange);
    }

    /** Constraints on query and path parameters (page, size). */
    @Override
    protected Mono<ResponseEntity<Object>> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<FieldProblem> problems = new ArrayList<>();
        for (ParameterValidationResult result : ex.getParameterValidationResults()) {
            if (result instanceof ParameterErrors errors) {
                errors.getFieldErrors().forEach(error -> problems.add(fieldProblem(error)));
                continue;
            }
            String name = InputProblems.parameterName(result.getMethodParameter());
            for (MessageSourceResolvable error : result.getResolvableErrors()) {
                problems.add(new FieldProblem(name, error.getDefaultMessage()));
            }
        }
        return badRequest(ex, problems, headers, exchange);
    }

    /** Values that cannot be converted (non-numeric id, page=x), unreadable or missing bodies. */
    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(
            ServerWebInputException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        var mismatch = InputProblems.typeMismatch(ex, ex.getMethodParameter())
                .or(() -> InputProblems.bodyFieldMismatch(ex));
        if (mismatch.isPresent()) {
            return badRequest(ex, List.of(mismatch.get()), headers, exchange);
        }
        // An empty body reaches the JSON decoder and fails there, so look at its length first.
        boolean emptyBody = "No request body".equals(ex.getReason())
                || exchange.getRequest().getHeaders().getContentLength() == 0;
        String detail = emptyBody ? "Request body is required"
                : InputProblems.isMalformedJson(ex) ? "Malformed JSON request body"
                : ex.getReason();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setProperty(ERRORS, List.of());
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, exchange);
    }

    private Mono<ResponseEntity<Object>> badRequest(Exception ex, List<FieldProblem> problems, HttpHeaders headers,
                                                    ServerWebExchange exchange) {
        List<FieldProblem> sorted = problems.stream()
                .sorted(Comparator.comparing(FieldProblem::field).thenComparing(FieldProblem::message))
                .toList();
        String detail = "Invalid request: " + sorted.stream()
                .map(p -> p.field() + " " + p.message())
                .collect(Collectors.joining("; "));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setProperty(ERRORS, sorted);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, exchange);
    }

    private static FieldProblem fieldProblem(FieldError error) {
        return new FieldProblem(error.getField(), error.getDefaultMessage());
    }
}
