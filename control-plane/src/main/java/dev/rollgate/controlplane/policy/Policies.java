package dev.rollgate.controlplane.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.policy.RollgateProperties.AnalysisProperties;
import dev.rollgate.controlplane.policy.RollgateProperties.RelativeProperties;
import dev.rollgate.controlplane.policy.RollgateProperties.ApplicationProperties;
import dev.rollgate.controlplane.policy.RollgateProperties.EnvironmentProperties;

/** The validated applications and environments; construction fails with every problem listed. */
@Component
public class Policies {

    private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]{0,62}$");
    private static final Pattern REPOSITORY = Pattern.compile("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$");
    private static final Set<String> STRATEGIES = Set.of("canary", "blue-green", "rolling");

    private final Map<String, Application> applications = new LinkedHashMap<>();
    private final Map<String, Environment> environments = new LinkedHashMap<>();

    public Policies(RollgateProperties properties) {
        List<String> problems = new ArrayList<>();
        if (properties.applications().isEmpty()) {
            problems.add("rollgate.applications: at least one application must be declared");
        }
        if (properties.environments().isEmpty()) {
            problems.add("rollgate.environments: at least one environment must be declared");
        }
        properties.applications().forEach((name, app) -> application(name, app, problems)
                .ifPresent(a -> applications.put(name, a)));
        properties.environments().forEach((name, env) -> environment(name, env, problems)
                .ifPresent(e -> environments.put(name, e)));
        checkPrerequisites(problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid Rollgate configuration:\n  - " + String.join("\n  - ", problems));
        }
    }

    public Optional<Application> application(String name) {
        return Optional.ofNullable(name).map(applications::get);
    }

    public Optional<Environment> environment(String name) {
        return Optional.ofNullable(name).map(environments::get);
    }

    /** "unknown application 'x' (known: a, b)": what a person needs to correct the name. */
    public String unknownApplication(String name) {
        return "unknown application '" + name + "' (known: " + String.join(", ", applications.keySet()) + ")";
    }

    public String unknownEnvironment(String name) {
        return "unknown environment '" + name + "' (known: " + String.join(", ", environments.keySet()) + ")";
    }

    public Collection<Application> applications() {
        return applications.values();
    }

    public Collection<Environment> environments() {
        return environments.values();
    }

    private static Optional<Application> application(String name, ApplicationProperties p, List<String> problems) {
        String at = "rollgate.applications." + name;
        int before = problems.size();
        if (!NAME.matcher(name).matches()) {
            problems.add(at + ": name must match " + NAME.pattern());
        }
        if (p.repository() != null && !p.repository().isBlank() && !REPOSITORY.matcher(p.repository()).matches()) {
            problems.add(at + ".repository: must be owner/name, got '" + p.repository() + "'");
        }
        for (String path : p.smokePaths()) {
            if (path == null || !path.startsWith("/")) {
                problems.add(at + ".smoke-paths: each path must start with '/', got '" + path + "'");
            }
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        String repository = p.repository() == null || p.repository().isBlank() ? null : p.repository();
        return Optional.of(new Application(name, repository, p.image(), p.smokePaths()));
    }

    private static Optional<Environment> environment(String name, EnvironmentProperties p, List<String> problems) {
        String at = "rollgate.environments." + name;
        int before = problems.size();
        if (!NAME.matcher(name).matches()) {
            problems.add(at + ": name must match " + NAME.pattern());
        }
        for (var adapter : java.util.Map.of("platform", String.valueOf(p.platform()), "router",
                String.valueOf(p.router()), "metrics", String.valueOf(p.metrics())).entrySet()) {
            if (!NAME.matcher(adapter.getValue()).matches()) {
                problems.add(at + "." + adapter.getKey() + ": must name an adapter (e.g. local, kubernetes, builtin,"
                        + " prometheus), got '" + adapter.getValue() + "'");
            }
        }
        if (!STRATEGIES.contains(p.strategy())) {
            problems.add(at + ".strategy: must be one of " + STRATEGIES + ", got '" + p.strategy() + "'");
        }
        positive(at + ".ready-timeout", p.readyTimeout(), problems);
        positive(at + ".restore-timeout", p.restoreTimeout(), problems);
        DeliveryPolicy policy = policy(at, p, problems);
        AnalysisPolicy analysis = analysis(at + ".analysis", p.analysis(), problems);
        if (problems.size() > before) {
            return Optional.empty();
        }
        String requires = p.requires() == null || p.requires().isBlank() ? null : p.requires();
        return Optional.of(new Environment(name, p.platform(), p.router(), p.metrics(), p.namespace(), p.branch(),
                requires, p.requiresAnalysis(), policy, analysis, p.readyTimeout(), p.restoreTimeout()));
    }

    private static DeliveryPolicy policy(String at, EnvironmentProperties p, List<String> problems) {
        switch (p.strategy()) {
            case "blue-green" -> {
                positive(at + ".blue-green.rollback-window", p.blueGreen().rollbackWindow(), problems);
                return new DeliveryPolicy.BlueGreen(p.blueGreen().rollbackWindow());
            }
            case "rolling" -> {
                positive(at + ".rolling.analysis-duration", p.rolling().analysisDuration(), problems);
                return new DeliveryPolicy.Rolling(p.rolling().analysisDuration());
            }
            default -> {
                List<Integer> steps = p.canary().steps();
                if (steps.isEmpty()) {
                    problems.add(at + ".canary.steps: at least one weight step is required");
                }
                int previous = 0;
                for (Integer step : steps) {
                    if (step == null || step <= previous || step > 100) {
                        problems.add(at + ".canary.steps: weights must increase strictly within 1..100, got " + steps);
                        break;
                    }
                    previous = step;
                }
                positive(at + ".canary.step-duration", p.canary().stepDuration(), problems);
                return new DeliveryPolicy.Canary(steps, p.canary().stepDuration());
            }
        }
    }

    private static AnalysisPolicy analysis(String at, AnalysisProperties a, List<String> problems) {
        positive(at + ".window", a.window(), problems);
        positive(at + ".latency", a.latency(), problems);
        if (a.minSample() < 1) {
            problems.add(at + ".min-sample: must be at least 1, got " + a.minSample());
        }
        if (!(a.confidence() > 0.5 && a.confidence() < 1)) {
            problems.add(at + ".confidence: must be between 0.5 and 1 (exclusive), got " + a.confidence());
        }
        if (a.failureLimit() < 0) {
            problems.add(at + ".failure-limit: must be 0 or more, got " + a.failureLimit());
        }
        if (a.errorLimit() < 1) {
            problems.add(at + ".error-limit: must be at least 1, got " + a.errorLimit());
        }
        if (a.inconclusiveGrace() == null || a.inconclusiveGrace().isNegative()) {
            problems.add(at + ".inconclusive-grace: must be zero or more");
        }
        share(at + ".error-rate", a.errorRate(), problems);
        share(at + ".latency-share", a.latencyShare(), problems);
        share(at + ".health-failure-rate", a.healthFailureRate(), problems);
        if (a.healthMinSample() < 1) {
            problems.add(at + ".health-min-sample: must be at least 1, got " + a.healthMinSample());
        }
        // Probes come once a second per instance, so the health gate cannot wait for as many as requests.
        List<GateSpec> gates = List.of(
                new GateSpec(GateKind.ERROR_RATE, a.errorRate(), a.window(), null, a.minSample()),
                new GateSpec(GateKind.LATENCY, a.latencyShare(), a.window(), a.latency(), a.minSample()),
                new GateSpec(GateKind.HEALTH, a.healthFailureRate(), a.window(), null, a.healthMinSample()));
        return new AnalysisPolicy(gates, a.minSample(), a.confidence(), a.failureLimit(), a.inconclusiveGrace(),
                a.errorLimit(), relative(at + ".relative", a.relative(), problems));
    }

    private static RelativePolicy relative(String at, RelativeProperties r, List<String> problems) {
        if (r == null) {
            return RelativePolicy.OFF;
        }
        if (!(r.margin() >= 0 && r.margin() < 1)) {
            problems.add(at + ".margin: must be at least 0 and below 1 (a share: 0.01 is one point), got "
                    + r.margin());
        }
        if (!(r.confidence() > 0.5 && r.confidence() < 1)) {
            problems.add(at + ".confidence: must be between 0.5 and 1 (exclusive), got " + r.confidence());
        }
        return new RelativePolicy(r.enabled(), r.margin(), r.confidence());
    }

    private void checkPrerequisites(List<String> problems) {
        for (Environment env : environments.values()) {
            String seen = env.name();
            Environment cursor = env;
            int hops = 0;
            while (cursor != null && cursor.requires() != null) {
                if (!environments.containsKey(cursor.requires())) {
                    problems.add("rollgate.environments." + cursor.name() + ".requires: unknown environment '"
                            + cursor.requires() + "'");
                    break;
                }
                cursor = environments.get(cursor.requires());
                if (cursor.name().equals(seen) || ++hops > environments.size()) {
                    problems.add("rollgate.environments." + env.name() + ".requires: prerequisites form a cycle");
                    break;
                }
            }
        }
    }

    private static void positive(String at, Duration d, List<String> problems) {
        if (d == null || d.isZero() || d.isNegative()) {
            problems.add(at + ": must be a positive duration, got " + d);
        }
    }

    private static void share(String at, double value, List<String> problems) {
        if (!(value > 0 && value < 1)) {
            problems.add(at + ": must be a share between 0 and 1 (exclusive), got " + value);
        }
    }
}
