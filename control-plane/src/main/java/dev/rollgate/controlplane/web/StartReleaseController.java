package dev.rollgate.controlplane.web;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.NewRelease;
import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.release.ReleaseService;
import reactor.core.publisher.Mono;

/** The start-a-release form; the engine's own validation messages appear beside the fields they concern. */
@Controller
public class StartReleaseController {

    private final Policies policies;
    private final ReleaseService service;

    public StartReleaseController(Policies policies, ReleaseService service) {
        this.policies = policies;
        this.service = service;
    }

    /** What the form holds, echoed back with errors keyed by field ("form" for the whole request). */
    public record Form(String application, String environment, String version, String commitSha, String config,
                       String reason, String idempotencyKey) {
    }

    @GetMapping("/releases/new")
    public Rendering form(@RequestParam(required = false) String application,
                          @RequestParam(required = false) String environment,
                          @RequestParam(required = false) String version,
                          @RequestParam(required = false) String commitSha,
                          @RequestParam(required = false) String config) {
        // Prefilled (e.g. "release to production" from the overview); the POST validates everything again.
        return view(new Form(application, environment, orEmpty(version), orEmpty(commitSha), orEmpty(config), "",
                IdempotencyKeyField.fresh()), Map.of(), HttpStatus.OK);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    @PostMapping("/releases")
    public Mono<Rendering> start(ServerWebExchange exchange, Principal principal) {
        ConsoleUser user = ConsoleUser.of((Authentication) principal);
        return exchange.getFormData().flatMap(data -> {
            Form form = read(data);
            Map<String, String> errors = new LinkedHashMap<>();
            Map<String, String> config = parseConfig(form.config(), errors);
            if (form.reason() != null && form.reason().length() > 1000) {
                errors.put("reason", "at most 1000 characters");
            }
            NewRelease request = new NewRelease(form.application(), form.environment(), form.version(), null,
                    form.commitSha(), config);
            if (!errors.isEmpty()) {
                // The engine's findings about the other fields too, so one submit shows every mistake.
                fieldMessages(service.problems(request, form.reason())).forEach(errors::putIfAbsent);
                return Mono.just(invalid(form, errors));
            }
            return service.create(request, user.actor(), form.reason(), IdempotencyKeyField.valid(form.idempotencyKey()))
                    .map(created -> Rendering.redirectTo("/releases/" + created.release().id()).build())
                    .onErrorResume(ReleaseProblem.class, p -> {
                        Map<String, String> problems = fieldMessages(p.fields());
                        if (problems.isEmpty()) {
                            problems.put("form", p.title() + ": " + p.getMessage());
                        }
                        // A fresh key: the corrected form is a new request, not a replay of the refused one.
                        return Mono.just(invalid(new Form(form.application(), form.environment(), form.version(),
                                form.commitSha(), form.config(), form.reason(), IdempotencyKeyField.fresh()), problems));
                    });
        });
    }

    /** One message per form field; the engine names configuration entries "config.KEY". */
    private static Map<String, String> fieldMessages(List<ReleaseProblem.FieldProblem> fields) {
        Map<String, String> problems = new LinkedHashMap<>();
        fields.forEach(f -> {
            boolean isConfig = f.field().startsWith("config.");
            problems.merge(isConfig ? "config" : f.field(),
                    isConfig ? f.field().substring(7) + ": " + f.message() : f.message(), (a, b) -> a + "; " + b);
        });
        return problems;
    }

    private Rendering invalid(Form form, Map<String, String> errors) {
        return view(form, errors, HttpStatus.UNPROCESSABLE_CONTENT);
    }

    private Rendering view(Form form, Map<String, String> errors, HttpStatus status) {
        return Rendering.view("new-release").status(status).modelAttribute("form", form).modelAttribute("errors", errors)
                .modelAttribute("applications", policies.applications())
                .modelAttribute("environments", policies.environments()).build();
    }

    private static Form read(MultiValueMap<String, String> data) {
        return new Form(Forms.text(data.getFirst("application")),
                Forms.text(data.getFirst("environment")),
                Forms.text(data.getFirst("version")),
                Forms.text(data.getFirst("commitSha")),
                data.getFirst("config") == null ? "" : data.getFirst("config"),
                Forms.text(data.getFirst("reason")),
                data.getFirst("idempotencyKey"));
    }

    /** {@code KEY=VALUE} per line; blank lines and {@code #} comments are skipped. */
    static Map<String, String> parseConfig(String text, Map<String, String> errors) {
        Map<String, String> config = new LinkedHashMap<>();
        List<String> lines = text == null ? List.of() : text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                errors.merge("config", "line " + (i + 1) + ": expected KEY=VALUE", (x, y) -> x + "; " + y);
                continue;
            }
            config.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return errors.containsKey("config") ? Map.of() : config;
    }
}
