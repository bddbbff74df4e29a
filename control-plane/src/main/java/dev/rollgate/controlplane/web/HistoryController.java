package dev.rollgate.controlplane.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;

import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseQuery;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import reactor.core.publisher.Mono;

/** Past and present releases, filtered and paged. */
@Controller
public class HistoryController {

    static final int PAGE_SIZE = 25;

    private final Policies policies;
    private final ReleaseRepository releases;
    private final EventRepository events;

    public HistoryController(Policies policies, ReleaseRepository releases, EventRepository events) {
        this.policies = policies;
        this.releases = releases;
        this.events = events;
    }

    @GetMapping("/history")
    public Mono<Rendering> history(@RequestParam(required = false) String application,
                                   @RequestParam(required = false) String environment,
                                   @RequestParam(required = false) String state,
                                   @RequestParam(required = false) String from,
                                   @RequestParam(required = false) String to,
                                   @RequestParam(defaultValue = "0") int page) {
        Map<String, String> errors = new LinkedHashMap<>();
        String app = Forms.text(application);
        String env = Forms.text(environment);
        String st = Forms.text(state);
        if (st != null && java.util.Arrays.stream(ReleaseState.values()).noneMatch(s -> s.name().equals(st))) {
            errors.put("state", "unknown state '" + st + "'");
        }
        Instant fromInstant = day(from, "from", errors, 0);
        Instant toInstant = day(to, "to", errors, 1);
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("application", Forms.orEmpty(app));
        filters.put("environment", Forms.orEmpty(env));
        filters.put("state", Forms.orEmpty(st));
        filters.put("from", Forms.orEmpty(from));
        filters.put("to", Forms.orEmpty(to));
        Rendering.Builder<?> view = Rendering.view("history").modelAttribute("filters", filters)
                .modelAttribute("errors", errors)
                .modelAttribute("applications", policies.applications())
                .modelAttribute("environments", policies.environments())
                .modelAttribute("states", ReleaseState.values());
        if (!errors.isEmpty()) {
            return Mono.just(view.modelAttribute("page", null).build());
        }
        return releases.search(new ReleaseQuery(app, env, st, fromInstant, toInstant, Math.max(0, page), PAGE_SIZE))
                .flatMap(p -> events.lastReasons(p.items().stream().filter(r -> r.state().terminal())
                                .map(dev.rollgate.controlplane.release.Release::id).toList())
                        .map(reasons -> view.modelAttribute("page", p).modelAttribute("outcomes", reasons).build()));
    }

    /** A calendar day in UTC; {@code plusDays} 1 makes "to" inclusive of that whole day. */
    static Instant day(String value, String field, Map<String, String> errors, int plusDays) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip()).plusDays(plusDays).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            errors.put(field, "'" + value + "' is not a date (YYYY-MM-DD)");
            return null;
        }
    }

}
