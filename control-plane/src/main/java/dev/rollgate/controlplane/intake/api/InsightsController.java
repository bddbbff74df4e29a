package dev.rollgate.controlplane.intake.api;

import java.time.Instant;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.rollgate.controlplane.insights.Dora;
import dev.rollgate.controlplane.insights.DoraFigures;
import reactor.core.publisher.Mono;

/** Delivery figures; read-only, so a viewer token may ask. */
@RestController
public class InsightsController {

    private final DoraFigures figures;

    public InsightsController(DoraFigures figures) {
        this.figures = figures;
    }

    /** {@code from} and {@code to} are UTC dates, both included; the answer's {@code to} is the exclusive end. */
    @GetMapping("/api/insights/dora")
    public Mono<DoraView> dora(@RequestParam(required = false) String application,
                               @RequestParam(required = false) String environment,
                               @RequestParam(required = false) String from,
                               @RequestParam(required = false) String to) {
        return figures.report(application, environment, from, to)
                .map(r -> new DoraView(application, environment, r.from(), r.to(), r.overall(), r.weeks()));
    }

    public record DoraView(String application, String environment, Instant from, Instant to, Dora.Figures overall,
                           List<Dora.Week> weeks) {
    }
}
