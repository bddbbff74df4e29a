package dev.rollgate.controlplane.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.Sample;

/**
 * What the {@value #PROVIDER} metrics provider reads, per application and version; a version never scripted reads
 * healthy. Keyed by application too (unlike {@link ScriptedWorld}'s per-version script) because Kubernetes engine
 * tests share one cluster and one context, and separate by application.
 */
public final class ScriptedReadings {

    public static final String PROVIDER = "k8s-scripted";
    /** 200 requests per window: well over min-sample 50, so one step's analysis can decide. */
    static final long TOTAL = 200;

    private final Map<String, Function<GateKind, Sample>> readings = new ConcurrentHashMap<>();

    public void healthy(String application, String version) {
        readings.put(key(application, version), ScriptedWorld.HEALTHY);
    }

    /** {@code share} of the requests fail (0.30 for 30 %); the other gates read healthy. */
    public void errorRate(String application, String version, double share) {
        long bad = Math.round(TOTAL * share);
        readings.put(key(application, version), gate -> gate == GateKind.ERROR_RATE
                ? new Sample(bad, TOTAL, share * 100) : ScriptedWorld.HEALTHY.apply(gate));
    }

    /** Any reading per gate; a function that throws is a provider that cannot answer. */
    public void read(String application, String version, Function<GateKind, Sample> gates) {
        readings.put(key(application, version), gates);
    }

    Sample sample(GateQuery query) {
        return readings.getOrDefault(key(query.target().application(), query.version()), ScriptedWorld.HEALTHY)
                .apply(query.gate());
    }

    private static String key(String application, String version) {
        return application + "@" + version;
    }
}
