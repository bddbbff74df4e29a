package dev.rollgate.controlplane.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;

import dev.rollgate.controlplane.insights.Dora;
import dev.rollgate.controlplane.insights.DoraFigures;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.ReleaseProblem;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The four delivery figures of one application × environment at a glance, and week by week as charts. */
@Controller
public class InsightsPageController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Policies policies;
    private final DoraFigures figures;

    public InsightsPageController(Policies policies, DoraFigures figures) {
        this.policies = policies;
        this.figures = figures;
    }

    @GetMapping("/insights")
    public Mono<Rendering> insights(@RequestParam(required = false) String application,
                                    @RequestParam(required = false) String environment,
                                    @RequestParam(required = false) String from,
                                    @RequestParam(required = false) String to) {
        String app = Forms.text(application) != null ? Forms.text(application)
                : policies.applications().stream().map(a -> a.name()).findFirst().orElse(null);
        String env = Forms.text(environment) != null ? Forms.text(environment)
                : policies.environments().stream().map(e -> e.name()).findFirst().orElse(null);
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("application", Forms.orEmpty(app));
        filters.put("environment", Forms.orEmpty(env));
        filters.put("from", Forms.orEmpty(Forms.text(from)));
        filters.put("to", Forms.orEmpty(Forms.text(to)));
        Rendering.Builder<?> view = Rendering.view("insights").modelAttribute("filters", filters)
                .modelAttribute("applications", policies.applications())
                .modelAttribute("environments", policies.environments());
        return figures.report(app, env, Forms.text(from), Forms.text(to))
                .map(report -> {
                    var period = figures.period(Forms.text(from), Forms.text(to));
                    filters.put("from", period.from().toString());
                    filters.put("to", period.to().toString());
                    return view.modelAttribute("report", report).modelAttribute("error", "")
                            .modelAttribute("weeks", JSON.writeValueAsString(series(report))).build();
                })
                .onErrorResume(ReleaseProblem.class, problem -> Mono.just(view.modelAttribute("report", null)
                        .modelAttribute("error", problem.getMessage()).modelAttribute("weeks", "[]").build()));
    }

    /** One row a week for the charts: week start (epoch seconds) and each figure in the unit its chart shows. */
    static List<Map<String, Object>> series(Dora.Report report) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Dora.Week w : report.weeks()) {
            Dora.Figures f = w.figures();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("t", w.start().atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond());
            row.put("deployments", f.succeeded());
            row.put("leadTimeHours", f.leadTimeMedianSeconds() == null ? null : f.leadTimeMedianSeconds() / 3600.0);
            row.put("changeFailurePercent", f.changeFailureRate() == null ? null : f.changeFailureRate() * 100);
            row.put("restoreMinutes", f.restore().medianSeconds() == null ? null
                    : f.restore().medianSeconds() / 60.0);
            rows.add(row);
        }
        return rows;
    }
}
