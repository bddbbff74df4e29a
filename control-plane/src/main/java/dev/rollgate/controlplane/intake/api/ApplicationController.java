package dev.rollgate.controlplane.intake.api;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.DeliveryPolicy;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.release.ReleaseProblem.FieldProblem;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.security.ApiPrincipal;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What is configured, what each target runs now, and the fast path back to a known good version. */
@RestController
public class ApplicationController {

    private final Policies policies;
    private final ReleaseRepository releases;
    private final ReleaseService service;

    public ApplicationController(Policies policies, ReleaseRepository releases, ReleaseService service) {
        this.policies = policies;
        this.releases = releases;
        this.service = service;
    }

    public record TargetView(String application, String environment, String stableVersion, ReleaseView activeRelease) {
    }

    public record ApplicationView(String name, String repository, String image, List<String> smokePaths,
                                  List<TargetView> environments) {
    }

    public record EnvironmentView(String name, String platform, String router, String metrics, String namespace,
                                  String branch, String requires, String strategy, Map<String, Object> policy,
                                  List<TargetView> applications) {
    }

    @GetMapping("/api/applications")
    public Mono<List<ApplicationView>> applications() {
        return Flux.fromIterable(policies.applications())
                .concatMap(app -> Flux.fromIterable(policies.environments())
                        .concatMap(env -> target(app, env)).collectList()
                        .map(targets -> new ApplicationView(app.name(), app.repository(), app.image(),
                                app.smokePaths(), targets)))
                .collectList();
    }

    @GetMapping("/api/environments")
    public Mono<List<EnvironmentView>> environments() {
        return Flux.fromIterable(policies.environments())
                .concatMap(env -> Flux.fromIterable(policies.applications())
                        .concatMap(app -> target(app, env)).collectList()
                        .map(targets -> view(env, targets)))
                .collectList();
    }

    @PostMapping("/api/applications/{app}/environments/{env}/rollback")
    public Mono<ResponseEntity<ReleaseView>> rollbackTo(@PathVariable String app, @PathVariable String env,
                                                        @RequestBody Requests.RollbackTo body,
                                                        @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                                        @AuthenticationPrincipal ApiPrincipal caller) {
        if (policies.application(app).isEmpty()) {
            return Mono.error(IntakeRefusal.unknownTarget(policies.unknownApplication(app)));
        }
        if (policies.environment(env).isEmpty()) {
            return Mono.error(IntakeRefusal.unknownTarget(policies.unknownEnvironment(env)));
        }
        if (body == null || body.toRelease() == null) {
            return Mono.error(IntakeRefusal.badInput(List.of(new FieldProblem("toRelease",
                    "is required: the id of an earlier SUCCEEDED release of " + app + " in " + env))));
        }
        return service.fastRollback(app, env, body.toRelease(), caller.actor(), body.reason(), IdempotencyKeys.check(key))
                .map(created -> ResponseEntity.status(created.replayed() ? HttpStatus.OK : HttpStatus.CREATED)
                        .location(URI.create("/api/releases/" + created.release().id()))
                        .body(ReleaseView.of(created.release())));
    }

    private Mono<TargetView> target(Application app, Environment env) {
        Mono<String> stable = releases.lastSucceeded(app.name(), env.name()).map(r -> r.version()).defaultIfEmpty("");
        Mono<java.util.Optional<ReleaseView>> active = releases.findActive(app.name(), env.name())
                .map(r -> java.util.Optional.of(ReleaseView.of(r))).defaultIfEmpty(java.util.Optional.empty());
        return Mono.zip(stable, active).map(t -> new TargetView(app.name(), env.name(),
                t.getT1().isEmpty() ? null : t.getT1(), t.getT2().orElse(null)));
    }

    private static EnvironmentView view(Environment env, List<TargetView> targets) {
        Map<String, Object> policy;
        String strategy;
        if (env.policy() instanceof DeliveryPolicy.Canary c) {
            strategy = "canary";
            policy = Map.of("steps", c.steps(), "stepDuration", c.stepDuration().toString());
        } else if (env.policy() instanceof DeliveryPolicy.BlueGreen bg) {
            strategy = "blue-green";
            policy = Map.of("rollbackWindow", bg.rollbackWindow().toString());
        } else {
            strategy = "rolling";
            policy = Map.of("analysisDuration", ((DeliveryPolicy.Rolling) env.policy()).analysisDuration().toString());
        }
        return new EnvironmentView(env.name(), env.platform(), env.router(), env.metrics(), env.namespace(),
                env.branch(), env.requires(), strategy, policy, targets);
    }
}
