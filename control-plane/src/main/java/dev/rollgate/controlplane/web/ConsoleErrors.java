package dev.rollgate.controlplane.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebInputException;

import dev.rollgate.controlplane.release.ReleaseProblem;

/** Errors in the console are pages a person can read, not JSON. */
@ControllerAdvice(basePackageClasses = ConsoleErrors.class)
public class ConsoleErrors {

    @ExceptionHandler(ReleaseProblem.class)
    public Rendering problem(ReleaseProblem p) {
        HttpStatus status = switch (p.kind()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case INVALID -> HttpStatus.UNPROCESSABLE_CONTENT;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case CONFLICT, IDEMPOTENCY_MISMATCH -> HttpStatus.CONFLICT;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
        };
        return Rendering.view("error-page").status(status).modelAttribute("title", p.title())
                .modelAttribute("detail", p.getMessage()).build();
    }

    @ExceptionHandler(ServerWebInputException.class)
    public Rendering input(ServerWebInputException e) {
        return Rendering.view("error-page").status(HttpStatus.BAD_REQUEST).modelAttribute("title", "Bad request")
                .modelAttribute("detail", e.getReason() == null ? "the request could not be read" : e.getReason())
                .build();
    }
}
