package dev.rollgate.controlplane.intake.api;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.resource.NoResourceFoundException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * Errors raised while finding a handler (no route, wrong method), which no controller's advice sees. Global by
 * necessity; under /api/ they say what to do instead, elsewhere they stay the problem detail they were.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class ApiRoutingProblems {

    @ExceptionHandler({NoResourceFoundException.class, MethodNotAllowedException.class,
        NotAcceptableStatusException.class, UnsupportedMediaTypeStatusException.class})
    ResponseEntity<ProblemDetail> routing(Exception e, ServerWebExchange exchange) {
        ErrorResponse error = (ErrorResponse) e;
        ProblemDetail problem = error.getBody();
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (path.startsWith("/api/")) {
            String method = exchange.getRequest().getMethod().name();
            if (e instanceof NoResourceFoundException) {
                problem.setDetail("there is no API resource at " + path + "; the API is described at /v3/api-docs");
            } else if (e instanceof MethodNotAllowedException m) {
                problem.setDetail(path + " does not take " + method + "; it takes "
                        + String.join(", ", m.getSupportedMethods().stream().map(Object::toString).sorted().toList()));
            } else if (e instanceof NotAcceptableStatusException n) {
                problem.setDetail("this API answers with application/json (errors application/problem+json); the"
                        + " Accept header asked for something else");
            } else if (e instanceof UnsupportedMediaTypeStatusException u) {
                problem.setDetail("send the body as JSON with Content-Type: application/json; this request had "
                        + (u.getContentType() == null ? "no Content-Type" : "Content-Type " + u.getContentType()));
            }
        }
        HttpStatus status = HttpStatus.valueOf(error.getStatusCode().value());
        return ResponseEntity.status(status).headers(error.getHeaders()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
