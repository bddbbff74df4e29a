package dev.rollgate.controlplane.web;

import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.reactive.result.view.Rendering;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.release.persistence.MeasurementRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Applications × environments: what runs, what is rolling out, how the last release ended. */
@Controller
public class OverviewController {

    private final Policies policies;
    private final ReleaseRepository releases;
    private final MeasurementRepository measurements;
    private final java.time.Clock clock;

    public OverviewController(Policies policies, ReleaseRepository releases, MeasurementRepository measurements,
                              java.time.Clock clock) {
        this.policies = policies;
        this.releases = releases;
        this.measurements = measurements;
        this.clock = clock;
    }

    /**
     * One cell; {@code stable} is the last successful release, {@code last} the newest ended one; for the active
     * release {@code verdict} is the worst of its gates' latest readings (null before any) and {@code timeLeft}
     * what {@link ReleaseDetails#timeLeft()} says; {@code next} is the release of the environment this one
     * requires ({@code requires}) whose revision could come here next (null when none).
     */
    public record Cell(String application, String environment, Release active, Release stable, Release last,
                       Verdict verdict, String timeLeft, String requires, Release next) {
        public String liveEvent() {
            return LiveStream.cellEvent(application, environment);
        }

        /** The next revision's configuration as the start form's KEY=VALUE lines. */
        public String nextConfig() {
            return next == null ? "" : String.join("\n", next.candidate().config().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList());
        }
    }

    public record Row(Application application, List<Cell> cells) {
    }

    @GetMapping("/")
    public Mono<Rendering> overview() {
        List<Environment> environments = List.copyOf(policies.environments());
        return Flux.fromIterable(policies.applications())
                .concatMap(app -> Flux.fromIterable(environments)
                        .concatMap(env -> cell(app.name(), env.name()))
                        .collectList()
                        .map(cells -> new Row(app, cells)))
                .collectList()
                .map(rows -> Rendering.view("overview")
                        .modelAttribute("environments", environments)
                        .modelAttribute("rows", rows)
                        .build());
    }

    @GetMapping("/fragments/cell/{application}/{environment}")
    public Mono<Rendering> cellFragment(@PathVariable String application, @PathVariable String environment) {
        if (policies.application(application).isEmpty() || policies.environment(environment).isEmpty()) {
            return Mono.error(ReleaseProblem.notFound("no " + application + " in " + environment));
        }
        return cell(application, environment)
                .map(cell -> Rendering.view("overview :: cell").modelAttribute("cell", cell).build());
    }

    private Mono<Cell> cell(String application, String environment) {
        Mono<java.util.Optional<Release>> active = optional(releases.findActive(application, environment));
        Mono<java.util.Optional<Release>> stable = optional(releases.lastSucceeded(application, environment));
        Mono<java.util.Optional<Release>> last = optional(releases.lastFinished(application, environment));
        Mono<java.util.Optional<Release>> activeOnce = active.cache();
        Mono<java.util.Optional<Verdict>> verdict = activeOnce.flatMap(a -> a.isEmpty()
                ? Mono.just(java.util.Optional.<Verdict>empty())
                : measurements.list(a.get().id(), LATEST_READINGS).collectList()
                        .map(ms -> java.util.Optional.ofNullable(worst(ReleaseDetails.latestPerGate(ms).stream()
                                // The stable track's readings are for comparison; only the candidate's are judged.
                                .filter(m -> m.track().equals(a.get().candidateTrack().id())).toList()))));
        Environment env = policies.environment(environment).orElse(null);
        String requires = env == null ? null : env.requires();
        Mono<java.util.Optional<Release>> upstream = requires == null ? Mono.just(java.util.Optional.empty())
                : optional(releases.lastSucceeded(application, requires));
        return Mono.zip(activeOnce, stable, last, verdict, upstream).map(t -> new Cell(application, environment,
                t.getT1().orElse(null), t.getT2().orElse(null), t.getT3().orElse(null), t.getT4().orElse(null),
                t.getT1().map(r -> ReleaseDetails.timeLeft(r, clock.instant())).orElse(null), requires,
                next(env, t.getT5().orElse(null), t.getT2().orElse(null))));
    }

    /**
     * What passed the required environment and is not here yet, if its policy would let it in: the revision that
     * last SUCCEEDED there (by its analysis, where the environment requires that).
     */
    private static Release next(Environment env, Release upstream, Release here) {
        if (env == null || upstream == null || (env.requiresAnalysis() && upstream.analysisSkipped())) {
            return null;
        }
        boolean alreadyHere = here != null && here.candidate().digest().equals(upstream.candidate().digest());
        return alreadyHere ? null : upstream;
    }

    /** Enough rows to hold the latest reading of every gate on both tracks. */
    private static final int LATEST_READINGS = 40;

    /**
     * The verdict that matters most: a FAIL rolls back, an ERROR counts toward the error limit, an INCONCLUSIVE
     * only waits; null when there is no reading.
     */
    static Verdict worst(List<Measurement> latest) {
        List<Verdict> badFirst = List.of(Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE, Verdict.PASS);
        return latest.stream().map(Measurement::verdict).min(java.util.Comparator.comparingInt(badFirst::indexOf))
                .orElse(null);
    }

    static <T> Mono<java.util.Optional<T>> optional(Mono<T> mono) {
        return mono.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty());
    }
}
