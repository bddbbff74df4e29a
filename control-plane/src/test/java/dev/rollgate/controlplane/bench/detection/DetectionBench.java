package dev.rollgate.controlplane.bench.detection;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.IntStream;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import dev.rollgate.controlplane.bench.detection.Outcome.Result;
import dev.rollgate.controlplane.bench.detection.Scenario.Profile;
import dev.rollgate.controlplane.policy.DeliveryPolicy;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.policy.RollgateProperties;

/**
 * How fast and how reliably each rule takes a bad canary out of traffic, and how often it rolls back a good one:
 * Rollgate's real machine and gates with the shipped production and staging policies, beside Flagger- and
 * Argo-style rules, on the same simulated traffic (each trial's seed is shared by every rule). TRIALS (400) per
 * scenario and traffic profile. A benchmark, not a test: it asserts nothing. Run it with bench/detection.
 */
public final class DetectionBench {

    /** One rule under test: how it runs a trial, and the simulated seconds it may need at most. */
    record Rule(String name, Function<Simulation, Outcome> trial, int horizon) {
    }

    private DetectionBench() {
    }

    public static void main(String[] args) throws IOException {
        int trials = Integer.getInteger("trials", 400);
        long seed = Long.getLong("seed", 16);
        long started = System.nanoTime();
        Policies policies = shippedPolicies();
        List<Rule> rules = rules(policies);
        List<Scenario> scenarios = Scenario.all();
        List<Profile> profiles = Profile.all();
        Summary summary = new Summary(rules, profiles);
        System.out.printf(Locale.ROOT, "detection benchmark: %d trials per scenario, traffic profile and rule; seed %d%n",
                trials, seed);
        for (Rule rule : rules) {
            System.out.println("  " + rule.name());
        }
        for (int si = 0; si < scenarios.size(); si++) {
            Scenario scenario = scenarios.get(si);
            System.out.printf(Locale.ROOT, "%n== %s — %s ==%n", scenario.name(), scenario.canaryAtFault()
                    ? "the canary is at fault: promoted = missed detection"
                    : "the canary is not at fault: rolled back = false rollback");
            System.out.printf(Locale.ROOT, "%-29s %-26s %8s %8s %7s %7s | %7s %7s %7s%n", "traffic", "rule",
                    "rollback", "promoted", "paused", "undecid", "median", "p95", "max");
            for (int pi = 0; pi < profiles.size(); pi++) {
                Profile profile = profiles.get(pi);
                for (int ri = 0; ri < rules.size(); ri++) {
                    Rule rule = rules.get(ri);
                    long base = seed * 1_000_003L + si * 10_007L + pi * 101L;
                    Outcome[] outcomes = IntStream.range(0, trials).parallel()
                            .mapToObj(k -> rule.trial().apply(new Simulation(scenario, profile,
                                    base * 1_000_033L + k, rule.horizon() + 1)))
                            .toArray(Outcome[]::new);
                    Row row = Row.of(outcomes);
                    summary.add(scenario, profile, rule, row);
                    System.out.printf(Locale.ROOT, "%-29s %-26s %8s %8s %7s %7s | %s%n",
                            ri == 0 ? profile.name() : "", rule.name(), pct(row.share(Result.ROLLED_BACK)),
                            pct(row.share(Result.PROMOTED)), pct(row.share(Result.PAUSED)),
                            pct(row.share(Result.UNDECIDED)),
                            scenario.canaryAtFault() ? row.times() : "      -       -       -");
                }
            }
        }
        System.out.println();
        summary.print();
        System.out.printf(Locale.ROOT, "%nfinished in %.1f s of real time%n", (System.nanoTime() - started) / 1e9);
    }

    /** The shipped application.yml bound and validated as the application does at startup. */
    static Policies shippedPolicies() throws IOException {
        MutablePropertySources sources = new MutablePropertySources();
        for (PropertySource<?> yaml : new YamlPropertySourceLoader().load("application.yml",
                new ClassPathResource("application.yml"))) {
            sources.addLast(yaml);
        }
        Binder binder = new Binder(ConfigurationPropertySources.from(sources),
                new PropertySourcesPlaceholdersResolver(sources));
        return new Policies(binder.bind("rollgate", RollgateProperties.class).get());
    }

    static List<Rule> rules(Policies policies) {
        Environment production = policies.environment("production").orElseThrow();
        Environment staging = policies.environment("staging").orElseThrow();
        // The baselines step through the same weights as production's canary.
        List<Integer> steps = ((DeliveryPolicy.Canary) production.policy()).steps();
        return List.of(
                new Rule("Rollgate production", sim -> RollgateTrial.run(production, sim, 3_600), 3_600),
                new Rule("Rollgate prod, absolute only",
                        sim -> RollgateTrial.run(production, sim, 3_600, false), 3_600),
                new Rule("Rollgate staging", sim -> RollgateTrial.run(staging, sim, 3_600), 3_600),
                new Rule("Flagger-style threshold 5", sim -> BaselineRules.run(new BaselineRules.Flagger(5, steps),
                        sim, 3_600), 3_600),
                new Rule("Flagger-style threshold 2", sim -> BaselineRules.run(new BaselineRules.Flagger(2, steps),
                        sim, 3_600), 3_600),
                new Rule("Argo-style", sim -> BaselineRules.run(new BaselineRules.Argo(steps), sim, 3_600), 3_600));
    }

    /** One table row: outcome shares and detection times (seconds, rolled-back trials with a bad response). */
    record Row(int trials, int[] counts, double[] sortedTimes) {

        static Row of(Outcome[] outcomes) {
            int[] counts = new int[Result.values().length];
            List<Double> times = new ArrayList<>();
            for (Outcome o : outcomes) {
                counts[o.result().ordinal()]++;
                if (o.result() == Result.ROLLED_BACK && !Double.isNaN(o.toStable())) {
                    times.add(o.toStable());
                }
            }
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Row(outcomes.length, counts, sorted);
        }

        double share(Result result) {
            return (double) counts[result.ordinal()] / trials;
        }

        /** Nearest-rank percentile; NaN when nothing rolled back. */
        double percentile(double p) {
            if (sortedTimes.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p * sortedTimes.length);
            return sortedTimes[Math.max(0, rank - 1)];
        }

        String times() {
            return String.format(Locale.ROOT, "%7s %7s %7s", secs(percentile(0.5)), secs(percentile(0.95)),
                    secs(sortedTimes.length == 0 ? Double.NaN : sortedTimes[sortedTimes.length - 1]));
        }
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    static String secs(double seconds) {
        return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.1f", seconds);
    }
}
