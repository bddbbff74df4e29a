package dev.rollgate.controlplane.policy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code rollgate.*}. Bound as given; {@link Policies} turns it into the validated
 * domain model at startup so a bad configuration stops Rollgate with a message instead of a bad release.
 */
@ConfigurationProperties("rollgate")
public record RollgateProperties(
        Map<String, ApplicationProperties> applications,
        Map<String, EnvironmentProperties> environments,
        @DefaultValue("1s") Duration reconcileInterval,
        @DefaultValue("15s") Duration leaseTtl,
        @DefaultValue("12s") Duration tickTimeout,
        String instanceId,
        String adminToken,
        @DefaultValue("http://localhost:8090") String consoleUrl) {

    public RollgateProperties {
        applications = applications == null ? Map.of() : new LinkedHashMap<>(applications);
        environments = environments == null ? Map.of() : new LinkedHashMap<>(environments);
    }

    public record ApplicationProperties(
            String repository,
            String image,
            @DefaultValue({"/health", "/api/subscriptions/plans"}) List<String> smokePaths) {
    }

    public record EnvironmentProperties(
            @DefaultValue("local") String platform,
            @DefaultValue("local") String router,
            @DefaultValue("builtin") String metrics,
            @DefaultValue("default") String namespace,
            String branch,
            String requires,
            @DefaultValue("true") boolean requiresAnalysis,
            @DefaultValue("canary") String strategy,
            @DefaultValue CanaryProperties canary,
            @DefaultValue BlueGreenProperties blueGreen,
            @DefaultValue RollingProperties rolling,
            @DefaultValue AnalysisProperties analysis,
            @DefaultValue("2m") Duration readyTimeout,
            @DefaultValue("5m") Duration restoreTimeout) {
    }

    public record CanaryProperties(
            @DefaultValue({"5", "25", "50"}) List<Integer> steps,
            @DefaultValue("30s") Duration stepDuration) {
    }

    public record BlueGreenProperties(@DefaultValue("5m") Duration rollbackWindow) {
    }

    public record RollingProperties(@DefaultValue("30s") Duration analysisDuration) {
    }

    public record AnalysisProperties(
            @DefaultValue("30s") Duration window,
            @DefaultValue("50") long minSample,
            @DefaultValue("0.999") double confidence,
            @DefaultValue("0") int failureLimit,
            @DefaultValue("30s") Duration inconclusiveGrace,
            @DefaultValue("4") int errorLimit,
            @DefaultValue("0.05") double errorRate,
            @DefaultValue("500ms") Duration latency,
            @DefaultValue("0.01") double latencyShare,
            @DefaultValue("0.10") double healthFailureRate,
            @DefaultValue("10") long healthMinSample,
            @DefaultValue RelativeProperties relative) {
    }

    /** Candidate against stable: on by default, failing a candidate worse by more than four points at 99.9 % (bench/detection). */
    public record RelativeProperties(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("0.04") double margin,
            @DefaultValue("0.999") double confidence) {
    }
}
