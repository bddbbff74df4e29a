package dev.rollgate.controlplane.bench;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.awaitility.core.ConditionTimeoutException;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.rollgate.controlplane.RollgateApplication;
import dev.rollgate.controlplane.platform.kubernetes.IstioRoutes;
import dev.rollgate.controlplane.platform.kubernetes.RequestCounter;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.KubernetesTestCluster;
import dev.rollgate.controlplane.support.MockCluster;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedReadings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * What a cluster pays for Rollgate watching many canaries: RELEASES releases (200) each holding its first step
 * (95/5 on an Istio VirtualService) on the fabric8 mock API server, ticking at the shipped 1 s interval, for
 * SECONDS (60). Prints the API requests Rollgate's client sent in that window by verb (writes must be 0), the
 * ticks' work as gate measurements stored per second, the JVM's CPU share and its heap after a full GC. The mock
 * server and the simulated controller run in the same JVM (idle at steady state), so CPU and heap are an upper
 * bound for Rollgate. A benchmark, not a test: it asserts nothing. Run it with bench/kubernetes-steady-state.
 */
public final class KubernetesSteadyStateBench {

    private static final String ENVIRONMENT = "kbench";
    private static final String NAMESPACE = "rollgate-kbench";

    private KubernetesSteadyStateBench() {
    }

    public static void main(String[] args) throws Exception {
        int releases = Integer.getInteger("releases", 200);
        int seconds = Integer.getInteger("seconds", 60);
        String database = System.getProperty("database", "rollgate_bench_k8s");

        Map<String, Object> props = new LinkedHashMap<>();
        props.put("server.port", "0");
        props.put("spring.r2dbc.url", "r2dbc:postgresql://127.0.0.1:5432/" + database);
        props.put("spring.flyway.url", "jdbc:postgresql://127.0.0.1:5432/" + database);
        // The shipped timings, not the tests' fast ones.
        props.put("rollgate.reconcile-interval", "1s");
        props.put("rollgate.lease-ttl", "15s");
        props.put("rollgate.tick-timeout", "12s");
        props.put("rollgate.kubernetes.progress-deadline", "600s");
        String env = "rollgate.environments." + ENVIRONMENT + ".";
        props.put(env + "platform", "kubernetes");
        props.put(env + "router", "istio");
        props.put(env + "metrics", ScriptedReadings.PROVIDER);
        props.put(env + "namespace", NAMESPACE);
        props.put(env + "strategy", "canary");
        props.put(env + "canary.steps[0]", "5");
        props.put(env + "canary.steps[1]", "50");
        props.put(env + "canary.step-duration", "1h");
        props.put(env + "analysis.min-sample", "50");
        List<String> apps = new ArrayList<>();
        for (int i = 1; i <= releases; i++) {
            String app = "kb-%03d".formatted(i);
            apps.add(app);
            props.put("rollgate.applications." + app + ".image", "ghcr.io/rollgate-bench/" + app);
            props.put("rollgate.applications." + app + ".smoke-paths[0]", "/health");
        }

        MockCluster cluster = MockCluster.get();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(RollgateApplication.class,
                // As command-line arguments: they outrank the k8stest profile's fast test timings and database.
                KubernetesTestCluster.class).profiles("k8stest").run(props.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
        int status = 0;
        try {
            run(context, cluster, apps, seconds);
        } catch (RuntimeException e) {
            e.printStackTrace();
            status = 1;
        } finally {
            context.close();
        }
        // The mock server's event loop does not stop on its own (see MockCluster).
        System.exit(status);
    }

    private static void run(ConfigurableApplicationContext context, MockCluster cluster, List<String> apps,
                            int seconds) throws InterruptedException {
        ReleaseService service = context.getBean(ReleaseService.class);
        ReleaseRepository releaseRepository = context.getBean(ReleaseRepository.class);
        ReleaseDriver driver = new ReleaseDriver(service, releaseRepository, context.getBean(EventRepository.class));
        ScriptedReadings readings = context.getBean(ScriptedReadings.class);
        DatabaseClient db = context.getBean(DatabaseClient.class);

        Instant setUp = Instant.now();
        List<UUID> started = new ArrayList<>();
        List<UUID> bootstraps = new ArrayList<>();
        for (String app : apps) {
            for (String track : List.of("stable", "canary")) {
                cluster.server().expect().get().withPath("/api/v1/namespaces/" + NAMESPACE + "/services/" + app
                        + "-" + track + ":80/proxy/health").andReturn(200, "ok").always();
            }
            readings.healthy(app, "2.0.0");
            bootstraps.add(service.bootstrap(app, ENVIRONMENT, "1.0.0").block().release().id());
        }
        waitUntil(Duration.ofMinutes(5), () -> bootstraps.stream().map(id -> releaseRepository.findById(id).block())
                .allMatch(r -> r.state() == ReleaseState.SUCCEEDED && r.finalized()),
                () -> states(releaseRepository, bootstraps, driver));
        for (String app : apps) {
            started.add(driver.start(app, ENVIRONMENT, "2.0.0").id());
        }
        waitUntil(Duration.ofMinutes(10), () -> apps.stream().allMatch(app -> "95/5".equals(split(cluster, app)))
                && started.stream().allMatch(id -> releaseRepository.findById(id).block().state()
                == ReleaseState.PROGRESSING), () -> states(releaseRepository, started, driver));
        System.out.printf("%d canaries at 95/5 after %d s of set-up%n", apps.size(),
                Duration.between(setUp, Instant.now()).toSeconds());
        Thread.sleep(10_000); // a fixed settling time before the window, not a wait for a condition

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        RequestCounter.Window window = cluster.requests().window();
        long cpuBefore = os.getProcessCpuTime();
        long measurementsBefore = count(db);
        long wallBefore = System.nanoTime();
        Thread.sleep(seconds * 1000L); // the measured window: nothing to wait for, time itself is the subject
        long wall = System.nanoTime() - wallBefore;
        long cpu = os.getProcessCpuTime() - cpuBefore;
        long measurements = count(db) - measurementsBefore;
        Map<RequestCounter.Verb, Long> byVerb = new TreeMap<>(window.byVerb());

        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long stillProgressing = started.stream()
                .filter(id -> releaseRepository.findById(id).block().state() == ReleaseState.PROGRESSING).count();
        double windowSeconds = wall / 1e9;
        long total = byVerb.values().stream().mapToLong(Long::longValue).sum();
        long writes = byVerb.entrySet().stream().filter(e -> e.getKey().write()).mapToLong(Map.Entry::getValue).sum();
        System.out.printf("window                %.1f s, %d active releases (%d still PROGRESSING at the end)%n",
                windowSeconds, apps.size(), stillProgressing);
        System.out.printf("API requests          %d in the window = %.2f/s; writes %d; by verb %s%n", total,
                total / windowSeconds, writes, byVerb);
        System.out.printf("gate measurements     %d stored = %.1f/s (ticks are doing their analysis)%n", measurements,
                measurements / windowSeconds);
        System.out.printf("CPU (whole JVM)       %.1f %% of one core (%d cores here)%n", 100.0 * cpu / wall,
                os.getAvailableProcessors());
        System.out.printf("heap after full GC    %d MiB (whole JVM, mock server's store included)%n",
                heap / (1024 * 1024));
    }

    private static String split(MockCluster cluster, String app) {
        GenericKubernetesResource vs = cluster.client().genericKubernetesResources(IstioRoutes.VIRTUAL_SERVICES)
                .inNamespace(NAMESPACE).withName(app).get();
        if (vs == null) {
            return null;
        }
        String weights = vs.getMetadata().getAnnotations() == null ? null
                : vs.getMetadata().getAnnotations().get("rollgate.dev/weights");
        return weights == null ? null : weights.substring(0, weights.lastIndexOf('/'));
    }

    private static long count(DatabaseClient db) {
        return db.sql("select count(*) from gate_measurements").map(row -> row.get(0, Long.class)).one().block();
    }

    private static void waitUntil(Duration atMost, Callable<Boolean> condition, Supplier<String> describe) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("set-up did not finish within " + atMost + ": " + describe.get(), e);
        }
    }

    /** How many releases are in each state, and the last events of one that is not where it should be. */
    private static String states(ReleaseRepository releases, List<UUID> ids, ReleaseDriver driver) {
        Map<ReleaseState, Long> byState = new TreeMap<>();
        UUID example = null;
        for (UUID id : ids) {
            ReleaseState state = releases.findById(id).block().state();
            byState.merge(state, 1L, Long::sum);
            if (state != ReleaseState.PROGRESSING && state != ReleaseState.SUCCEEDED) {
                example = id;
            }
        }
        if (example == null) {
            return byState.toString();
        }
        List<String> last = driver.events(example).stream()
                .map(e -> e.type() + (e.reason() == null ? "" : " " + e.reason())).toList();
        return byState + "; " + example + ": " + last.subList(Math.max(0, last.size() - 6), last.size());
    }
}
