package dev.rollgate.controlplane.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;

import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.AuditEntry;
import dev.rollgate.controlplane.release.persistence.AuditRepository;
import reactor.core.publisher.Mono;

/** Every command from every channel: who, when, what, from where, and whether it was accepted. */
@Controller
public class AuditController {

    private final AuditRepository audit;

    public AuditController(AuditRepository audit) {
        this.audit = audit;
    }

    @GetMapping("/audit")
    public Mono<Rendering> audit(@RequestParam(required = false) String channel,
                                 @RequestParam(required = false) String actor,
                                 @RequestParam(required = false) String application,
                                 @RequestParam(required = false) String environment,
                                 @RequestParam(required = false) String outcome,
                                 @RequestParam(required = false) String from,
                                 @RequestParam(required = false) String to,
                                 @RequestParam(defaultValue = "0") int page) {
        Map<String, String> errors = new LinkedHashMap<>();
        String kind = upper(channel);
        if (kind != null && java.util.Arrays.stream(Actor.Kind.values()).noneMatch(k -> k.name().equals(kind))) {
            errors.put("channel", "unknown channel '" + channel + "'");
        }
        String result = upper(outcome);
        if (result != null && java.util.Arrays.stream(AuditEntry.Outcome.values())
                .noneMatch(o -> o.name().equals(result))) {
            errors.put("outcome", "unknown outcome '" + outcome + "'");
        }
        Instant fromInstant = HistoryController.day(from, "from", errors, 0);
        Instant toInstant = HistoryController.day(to, "to", errors, 1);
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("channel", Forms.orEmpty(kind));
        filters.put("actor", Forms.orEmpty(Forms.text(actor)));
        filters.put("application", Forms.orEmpty(Forms.text(application)));
        filters.put("environment", Forms.orEmpty(Forms.text(environment)));
        filters.put("outcome", Forms.orEmpty(result));
        filters.put("from", Forms.orEmpty(from));
        filters.put("to", Forms.orEmpty(to));
        Rendering.Builder<?> view = Rendering.view("audit").modelAttribute("filters", filters)
                .modelAttribute("errors", errors)
                .modelAttribute("channels", Actor.Kind.values())
                .modelAttribute("outcomes", AuditEntry.Outcome.values());
        if (!errors.isEmpty()) {
            return Mono.just(view.modelAttribute("page", null).build());
        }
        var query = new AuditRepository.Query(kind, Forms.text(actor),
                Forms.text(application), Forms.text(environment), result, null,
                fromInstant, toInstant, Math.max(0, page), HistoryController.PAGE_SIZE);
        return audit.search(query).map(p -> view.modelAttribute("page", p).build());
    }

    private static String upper(String s) {
        String v = Forms.text(s);
        return v == null ? null : v.toUpperCase(Locale.ROOT);
    }

}
