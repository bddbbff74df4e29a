package dev.rollgate.controlplane.bench.detection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.rollgate.controlplane.bench.detection.DetectionBench.Row;
import dev.rollgate.controlplane.bench.detection.DetectionBench.Rule;
import dev.rollgate.controlplane.bench.detection.Outcome.Result;
import dev.rollgate.controlplane.bench.detection.Scenario.Profile;

/** The goals, checked against the rows just measured; it reports, it never tunes anything. */
final class Summary {

    private static final String FAST = "canary errors 30 %";
    private static final String HEALTHY = "healthy canary (0.5 % errors)";
    private static final List<String> NEAR = List.of("near threshold (2 % errors)", "near threshold (4 % errors)");

    private final List<Rule> rules;
    private final List<Profile> profiles;
    private final Map<String, Row> rows = new LinkedHashMap<>();

    Summary(List<Rule> rules, List<Profile> profiles) {
        this.rules = rules;
        this.profiles = profiles;
    }

    void add(Scenario scenario, Profile profile, Rule rule, Row row) {
        rows.put(key(scenario.name(), profile.name(), rule.name()), row);
    }

    void print() {
        System.out.println("== goals ==");
        List<Rule> rollgate = rules.stream().filter(r -> r.name().startsWith("Rollgate")).toList();
        String flagger = "Flagger-style threshold 5";
        String argo = "Argo-style";
        for (Profile profile : profiles) {
            double flaggerMedian = row(FAST, profile, flagger).percentile(0.5);
            double argoMedian = row(FAST, profile, argo).percentile(0.5);
            for (Rule rule : rollgate) {
                double median = row(FAST, profile, rule.name()).percentile(0.5);
                System.out.printf(Locale.ROOT, "30 %% canary, %-29s %-20s median %6s s: %5.1fx Flagger-style (%s s, goal"
                        + " >= 20x: %s), %5.1fx Argo-style (%s s, goal >= 50x: %s)%n", profile.name(), rule.name(),
                        DetectionBench.secs(median), flaggerMedian / median, DetectionBench.secs(flaggerMedian),
                        met(flaggerMedian / median >= 20), argoMedian / median, DetectionBench.secs(argoMedian),
                        met(argoMedian / median >= 50));
            }
        }
        for (Profile profile : profiles) {
            for (Rule rule : rollgate) {
                double healthy = row(HEALTHY, profile, rule.name()).share(Result.ROLLED_BACK);
                double near = NEAR.stream().mapToDouble(s -> row(s, profile, rule.name()).share(Result.ROLLED_BACK))
                        .max().orElseThrow();
                System.out.printf(Locale.ROOT, "false rollbacks, %-29s %-20s healthy %6s (goal <= 1 %%: %s), near"
                        + " threshold worst %6s (goal <= 3 %%: %s)%n", profile.name(), rule.name(),
                        DetectionBench.pct(healthy), met(healthy <= 0.01), DetectionBench.pct(near), met(near <= 0.03));
            }
        }
    }

    private Row row(String scenario, Profile profile, String rule) {
        Row row = rows.get(key(scenario, profile.name(), rule));
        if (row == null) {
            throw new IllegalStateException("no row for " + key(scenario, profile.name(), rule));
        }
        return row;
    }

    private static String met(boolean met) {
        return met ? "met" : "NOT met";
    }

    private static String key(String scenario, String profile, String rule) {
        return scenario + " / " + profile + " / " + rule;
    }
}
