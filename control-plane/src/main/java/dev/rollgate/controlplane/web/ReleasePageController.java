package dev.rollgate.controlplane.web;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.release.Command;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.MeasurementRepository;
import dev.rollgate.controlplane.security.console.ConsoleProperties;
import reactor.core.publisher.Mono;

/** A release's page, its live fragment, chart data, and the confirm-then-command flow for its buttons. */
@Controller
public class ReleasePageController {

    private static final int CHART_POINTS = 2000;

    private final ReleaseService service;
    private final EventRepository events;
    private final MeasurementRepository measurements;
    private final ConsoleProperties console;
    private final java.time.Clock clock;
    private final dev.rollgate.controlplane.policy.Policies policies;

    public ReleasePageController(ReleaseService service, EventRepository events, MeasurementRepository measurements,
                                 ConsoleProperties console, java.time.Clock clock,
                                 dev.rollgate.controlplane.policy.Policies policies) {
        this.clock = clock;
        this.policies = policies;
        this.service = service;
        this.events = events;
        this.measurements = measurements;
        this.console = console;
    }

    @GetMapping("/releases/{id}")
    public Mono<Rendering> page(@PathVariable UUID id, java.security.Principal principal) {
        return details(id, principal).map(d -> Rendering.view("release").modelAttribute("d", d).build());
    }

    @GetMapping("/releases/{id}/live")
    public Mono<Rendering> live(@PathVariable UUID id, java.security.Principal principal) {
        return details(id, principal).map(d -> Rendering.view("release :: live").modelAttribute("d", d).build());
    }

    @GetMapping("/releases/{id}/chart-data")
    @ResponseBody
    public Mono<ChartData> chartData(@PathVariable UUID id) {
        return service.get(id).flatMap(r -> measurements.list(id, CHART_POINTS).collectList()
                .map(ms -> ChartData.of(r, ms)));
    }

    @GetMapping("/releases/{id}/confirm/{command}")
    public Mono<Rendering> confirm(@PathVariable UUID id, @PathVariable String command) {
        Command.Type type = type(command);
        return service.get(id).map(r -> confirmForm(r, type, null, null));
    }

    @PostMapping("/releases/{id}/commands/{command}")
    public Mono<Rendering> command(@PathVariable UUID id, @PathVariable String command, ServerWebExchange exchange,
                                java.security.Principal principal,
                                @RequestHeader(name = "HX-Request", required = false) String htmx) {
        Command.Type type = type(command);
        ConsoleUser user = ConsoleUser.of((Authentication) principal);
        return exchange.getFormData().zipWith(service.get(id)).flatMap(t -> {
            MultiValueMap<String, String> form = t.getT1();
            Release release = t.getT2();
            String reason = Forms.text(form.getFirst("reason"));
            String typedName = Forms.text(form.getFirst("confirmName"));
            String error = null;
            if (reason == null) {
                error = "Give a reason: it goes into the release's history and the audit log.";
            } else if (reason.length() > 1000) {
                error = "The reason is too long (at most 1000 characters).";
            } else if (needsName(release) && !release.application().equals(typedName)) {
                error = "Type the application name '" + release.application() + "' to confirm in "
                        + release.environment() + ".";
            }
            if (error != null) {
                return Mono.just(confirmForm(release, type, reason, error));
            }
            String key = IdempotencyKeyField.valid(form.getFirst("idempotencyKey"));
            return service.command(id, new Command(type, user.actor(), reason, user.admin()), key)
                    .doOnNext(saved -> exchange.getResponse().getHeaders().add("HX-Trigger", "refresh-release"))
                    .map(saved -> htmx == null
                            ? Rendering.redirectTo("/releases/" + id).build()
                            : Rendering.view("release :: done").modelAttribute("message",
                            type.name().charAt(0) + type.name().substring(1).toLowerCase(java.util.Locale.ROOT)
                                    + " accepted; the release is now " + saved.state() + ".").build())
                    .onErrorResume(ReleaseProblem.class, p -> Mono.just(confirmForm(release, type, reason,
                            p.title() + ": " + p.getMessage())));
        });
    }

    private Rendering confirmForm(Release release, Command.Type type, String reason, String error) {
        return Rendering.view("release :: confirm")
                .modelAttribute("release", release)
                .modelAttribute("command", type.name().toLowerCase(java.util.Locale.ROOT))
                .modelAttribute("needsName", needsName(release))
                .modelAttribute("reason", reason == null ? "" : reason)
                .modelAttribute("error", error)
                .modelAttribute("idempotencyKey", IdempotencyKeyField.fresh())
                .build();
    }

    /** Read now, as the machine reads it on every tick. */
    private dev.rollgate.controlplane.policy.RelativePolicy relative(Release release) {
        return policies.environment(release.environment()).map(e -> e.analysis().relative())
                .orElse(dev.rollgate.controlplane.policy.RelativePolicy.OFF);
    }

    private boolean needsName(Release release) {
        return console.confirmByName().contains(release.environment());
    }

    private Mono<ReleaseDetails> details(UUID id, java.security.Principal principal) {
        boolean admin = ConsoleUser.of((Authentication) principal).admin();
        return service.get(id).flatMap(r -> Mono.zip(events.list(id).collectList(),
                        measurements.list(id, CHART_POINTS).collectList())
                .map(t -> ReleaseDetails.of(r, t.getT1(), t.getT2(), needsName(r), admin, clock.instant(),
                        relative(r))));
    }

    private static Command.Type type(String command) {
        return Command.Type.parse(command).orElseThrow(() -> ReleaseProblem.notFound("unknown command '" + command
                + "'"));
    }

    /**
     * Chart series per gate, in the gates' fixed order: time (epoch seconds, what uPlot expects) and value of the
     * candidate and of stable, plus the threshold. A point is named by its role, not its track: blue-green runs the
     * candidate on either colour.
     */
    public record ChartData(Map<String, Series> gates) {
        static ChartData of(Release release, List<Measurement> measurements) {
            String candidate = release.candidateTrack().id();
            Map<dev.rollgate.controlplane.policy.GateKind, Series> byKind =
                    new java.util.EnumMap<>(dev.rollgate.controlplane.policy.GateKind.class);
            for (Measurement m : measurements) {
                if (m.value() == null || m.gate() == dev.rollgate.controlplane.policy.GateKind.SMOKE) {
                    continue;
                }
                Series s = byKind.computeIfAbsent(m.gate(), g -> new Series(g.unit(), m.threshold(),
                        new java.util.ArrayList<>()));
                s.points().add(new Point(m.at().getEpochSecond(), m.track().equals(candidate) ? "candidate" : "stable",
                        m.value()));
            }
            Map<String, Series> gates = new java.util.LinkedHashMap<>();
            byKind.forEach((kind, series) -> gates.put(kind.id(), series));
            return new ChartData(gates);
        }
    }

    public record Series(String unit, double threshold, List<Point> points) {
    }

    /** {@code role}: candidate or stable. */
    public record Point(long t, String role, double v) {
    }
}
