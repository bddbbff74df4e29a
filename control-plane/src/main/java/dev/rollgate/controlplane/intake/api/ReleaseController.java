package dev.rollgate.controlplane.intake.api;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.rollgate.controlplane.release.Command;
import dev.rollgate.controlplane.release.NewRelease;
import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.release.ReleaseProblem.FieldProblem;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.EventRepository.StoredEvent;
import dev.rollgate.controlplane.release.persistence.MeasurementRepository;
import dev.rollgate.controlplane.release.persistence.Page;
import dev.rollgate.controlplane.release.persistence.ReleaseQuery;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.security.ApiPrincipal;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/releases")
public class ReleaseController {

    private static final int MAX_RELEASES_PAGE = 100;
    private static final int MAX_MEASUREMENTS_PAGE = 1000;

    private final ReleaseService service;
    private final ReleaseRepository releases;
    private final EventRepository events;
    private final MeasurementRepository measurements;

    public ReleaseController(ReleaseService service, ReleaseRepository releases, EventRepository events,
                             MeasurementRepository measurements) {
        this.service = service;
        this.releases = releases;
        this.events = events;
        this.measurements = measurements;
    }

    @PostMapping
    public Mono<ResponseEntity<ReleaseView>> create(@RequestBody Requests.CreateRelease body,
                                                    @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                                    @AuthenticationPrincipal ApiPrincipal caller) {
        NewRelease request = new NewRelease(body.application(), body.environment(), body.version(), body.image(),
                body.commitSha(), body.config());
        return service.create(request, caller.actor(), body.reason(), IdempotencyKeys.check(key))
                .map(created -> ResponseEntity.status(created.replayed() ? HttpStatus.OK : HttpStatus.CREATED)
                        .location(URI.create("/api/releases/" + created.release().id()))
                        .header("Idempotent-Replayed", Boolean.toString(created.replayed()))
                        .body(ReleaseView.of(created.release())));
    }

    @GetMapping("/{id}")
    public Mono<ReleaseView> get(@PathVariable UUID id) {
        return service.get(id).map(ReleaseView::of);
    }

    @GetMapping
    public Mono<Page<ReleaseView>> list(@RequestParam(required = false) String application,
                                        @RequestParam(required = false) String environment,
                                        @RequestParam(required = false) String state,
                                        @RequestParam(defaultValue = "0") int page,
                                        @RequestParam(defaultValue = "20") int size) {
        List<FieldProblem> problems = pageProblems(page, size, MAX_RELEASES_PAGE);
        if (state != null && java.util.Arrays.stream(ReleaseState.values()).noneMatch(s -> s.name().equals(state))) {
            problems.add(new FieldProblem("state", "must be one of " + java.util.Arrays.toString(ReleaseState.values())));
        }
        if (!problems.isEmpty()) {
            return Mono.error(ReleaseProblem.invalid(problems));
        }
        return releases.search(new ReleaseQuery(application, environment, state, page, size))
                .map(p -> p.map(ReleaseView::of));
    }

    @GetMapping("/{id}/events")
    public Mono<List<StoredEvent>> events(@PathVariable UUID id) {
        return service.get(id).then(events.list(id).collectList());
    }

    /** In the order they were taken; a release measures every gate on every tick, so there can be many. */
    @GetMapping("/{id}/measurements")
    public Mono<Page<MeasurementView>> measurements(@PathVariable UUID id,
                                                    @RequestParam(defaultValue = "0") int page,
                                                    @RequestParam(defaultValue = "100") int size) {
        List<FieldProblem> problems = pageProblems(page, size, MAX_MEASUREMENTS_PAGE);
        if (!problems.isEmpty()) {
            return Mono.error(ReleaseProblem.invalid(problems));
        }
        return service.get(id).then(measurements.page(id, page, size)).map(p -> p.map(MeasurementView::of));
    }

    private static List<FieldProblem> pageProblems(int page, int size, int maxSize) {
        List<FieldProblem> problems = new java.util.ArrayList<>();
        if (page < 0) {
            problems.add(new FieldProblem("page", "must be 0 or more"));
        }
        if (size < 1 || size > maxSize) {
            problems.add(new FieldProblem("size", "must be between 1 and " + maxSize));
        }
        return problems;
    }

    @PostMapping("/{id}/{command}")
    public Mono<ReleaseView> command(@PathVariable UUID id, @PathVariable String command,
                                     @RequestBody(required = false) Requests.CommandBody body,
                                     @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                     @AuthenticationPrincipal ApiPrincipal caller) {
        Command.Type type = Command.Type.parse(command).orElseThrow(() -> ReleaseProblem.notFound(
                "unknown command '" + command + "'; use promote, pause, resume, rollback or abort"));
        String reason = body == null ? null : body.reason();
        return service.command(id, new Command(type, caller.actor(), reason,
                        caller.role() == dev.rollgate.controlplane.security.Role.ADMIN), IdempotencyKeys.check(key))
                .map(ReleaseView::of);
    }
}
