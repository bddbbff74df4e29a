package dev.rollgate.controlplane.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

class PoliciesTests {

    private static Policies bind(Map<String, Object> overrides) throws IOException {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new MapPropertySource("overrides", overrides));
        for (PropertySource<?> yaml : new YamlPropertySourceLoader().load("app", new ClassPathResource("application.yml"))) {
            sources.addLast(yaml);
        }
        Binder binder = new Binder(ConfigurationPropertySources.from(sources),
                new PropertySourcesPlaceholdersResolver(sources));
        return new Policies(binder.bind("rollgate", RollgateProperties.class).get());
    }

    @Test
    void shipsTheDeploymentSpecsDefaults() throws IOException {
        Policies policies = bind(Map.of());

        assertThat(policies.application("video-api")).get().satisfies(app -> {
            assertThat(app.repository()).isEqualTo("rollgate-demo/video-platform");
            assertThat(app.smokePaths()).containsExactly("/health", "/api/subscriptions/plans");
        });
        assertThat(policies.environment("dev").orElseThrow().policy()).isInstanceOf(DeliveryPolicy.Rolling.class);
        assertThat(policies.environment("staging").orElseThrow().policy())
                .isEqualTo(new DeliveryPolicy.Canary(List.of(5, 25, 50), Duration.ofSeconds(30)));
        Environment production = policies.environment("production").orElseThrow();
        assertThat(production.policy()).isEqualTo(new DeliveryPolicy.Canary(List.of(5, 25, 50), Duration.ofSeconds(60)));
        assertThat(production.requires()).isEqualTo("staging");
        assertThat(production.requiresAnalysis()).isTrue();
        assertThat(production.branch()).isEqualTo("main");
        assertThat(policies.environment("staging").orElseThrow().branch()).isEqualTo("develop");
        AnalysisPolicy gates = production.analysis();
        assertThat(gates.gates()).extracting(GateSpec::maxShare).containsExactly(0.05, 0.01, 0.10);
        assertThat(gates.gates().get(1).latencyThreshold()).isEqualTo(Duration.ofMillis(500));
        assertThat(gates.minSample()).isEqualTo(50);
        assertThat(gates.gates()).extracting(GateSpec::minSample).containsExactly(50L, 50L, 10L);
        assertThat(gates.confidence()).isEqualTo(0.999);
        assertThat(gates.errorLimit()).isEqualTo(4);
        assertThat(gates.failureLimit()).isZero();
    }

    @Test
    void anEnvironmentMayTakePrerequisiteReleasesThatSkippedAnalysis() throws IOException {
        Policies policies = bind(Map.of("rollgate.environments.production.requires-analysis", "false"));

        assertThat(policies.environment("production").orElseThrow().requiresAnalysis()).isFalse();
        assertThat(policies.environment("staging").orElseThrow().requiresAnalysis()).isTrue();
    }

    @Test
    void anyEnvironmentCanBeSwitchedToBlueGreen() throws IOException {
        Policies policies = bind(Map.of("rollgate.environments.production.strategy", "blue-green",
                "rollgate.environments.production.blue-green.rollback-window", "10m"));

        assertThat(policies.environment("production").orElseThrow().policy())
                .isEqualTo(new DeliveryPolicy.BlueGreen(Duration.ofMinutes(10)));
    }

    @Test
    void refusesABadConfigurationListingEveryProblem() {
        assertThatThrownBy(() -> bind(Map.of(
                "rollgate.environments.staging.canary.steps", "50,25",
                "rollgate.environments.staging.analysis.error-rate", "5",
                "rollgate.environments.dev.strategy", "big-bang",
                "rollgate.environments.production.requires", "qa",
                "rollgate.applications.video-api.repository", "not a repo")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rollgate.environments.staging.canary.steps: weights must increase strictly")
                .hasMessageContaining("rollgate.environments.staging.analysis.error-rate: must be a share between 0 and 1")
                .hasMessageContaining("rollgate.environments.dev.strategy: must be one of")
                .hasMessageContaining("rollgate.environments.production.requires: unknown environment 'qa'")
                .hasMessageContaining("rollgate.applications.video-api.repository: must be owner/name");
    }

    @Test
    void comparesCandidatesWithStableByDefaultAndPerEnvironment() throws IOException {
        Policies policies = bind(Map.of("rollgate.environments.staging.analysis.relative.enabled", "false",
                "rollgate.environments.production.analysis.relative.margin", "0.02",
                "rollgate.environments.production.analysis.relative.confidence", "0.99"));

        assertThat(policies.environment("dev").orElseThrow().analysis().relative())
                .isEqualTo(new RelativePolicy(true, 0.04, 0.999));
        assertThat(policies.environment("staging").orElseThrow().analysis().relative().enabled()).isFalse();
        assertThat(policies.environment("production").orElseThrow().analysis().relative())
                .isEqualTo(new RelativePolicy(true, 0.02, 0.99));
    }

    @Test
    void refusesARelativeMarginOrConfidenceOutOfRange() {
        assertThatThrownBy(() -> bind(Map.of("rollgate.environments.staging.analysis.relative.margin", "1",
                "rollgate.environments.production.analysis.relative.confidence", "0.5")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rollgate.environments.staging.analysis.relative.margin: must be at least 0")
                .hasMessageContaining("rollgate.environments.production.analysis.relative.confidence: must be between");
    }

    @Test
    void refusesPrerequisiteCycles() {
        assertThatThrownBy(() -> bind(Map.of("rollgate.environments.staging.requires", "production")))
                .hasMessageContaining("prerequisites form a cycle");
    }
}
