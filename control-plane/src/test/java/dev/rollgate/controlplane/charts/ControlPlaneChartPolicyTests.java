package dev.rollgate.controlplane.charts;

import static dev.rollgate.controlplane.charts.ControlPlaneChart.objects;
import static dev.rollgate.controlplane.charts.ControlPlaneChart.one;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.yaml.snakeyaml.Yaml;

import dev.rollgate.controlplane.metrics.prometheus.PrometheusProperties;
import dev.rollgate.controlplane.platform.kubernetes.KubernetesProperties;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.policy.RollgateProperties;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.Role;

/**
 * The ConfigMap's application.yml as Rollgate reads it: on top of the image's own application.yml (what
 * SPRING_CONFIG_ADDITIONAL_LOCATION does), bound to Rollgate's own configuration classes and validated by
 * {@link Policies}, as at startup.
 */
class ControlPlaneChartPolicyTests {

    static Stream<Path> ciValues() {
        return ControlPlaneChart.ciValues();
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void everyEnvironmentRollgateStartsWithIsOnTheKubernetesPlatform(Path values) {
        List<HasMetadata> rendered = objects(ControlPlaneChart.render(values));
        String chartYaml = applicationYml(rendered);
        Binder binder = binder(chartYaml);

        Policies policies = new Policies(binder.bind("rollgate", RollgateProperties.class).get());
        KubernetesProperties kubernetes = binder.bind("rollgate.kubernetes", KubernetesProperties.class).get();
        PrometheusProperties prometheus = binder.bind("rollgate.prometheus", PrometheusProperties.class).get();

        Map<?, ?> chartEnvironments = (Map<?, ?>) ((Map<?, ?>) new Yaml().<Map<String, Object>>load(chartYaml)
                .get("rollgate")).get("environments");
        assertThat(policies.environments()).extracting(Environment::name)
                .as("the image's built-in environments are all redefined, none left on the local platform")
                .containsExactlyInAnyOrderElementsOf(chartEnvironments.keySet().stream().map(String::valueOf).toList());
        assertThat(policies.environments()).allSatisfy(e -> {
            assertThat(e.platform()).isEqualTo("kubernetes");
            assertThat(e.router()).isIn("istio", "gateway-api", "service");
            assertThat(e.metrics()).isEqualTo("prometheus");
        });
        assertThat(kubernetes.enabled()).isTrue();
        assertThat(prometheus.problems()).isEmpty();
        assertThat(prometheus.endpoints().get(PrometheusProperties.DEFAULT_ENDPOINT).url()).startsWith("http");
        Set<String> roleNamespaces = rendered.stream().filter(Role.class::isInstance)
                .map(r -> r.getMetadata().getNamespace()).collect(Collectors.toSet());
        if (!roleNamespaces.isEmpty()) {
            assertThat(roleNamespaces).as("a Role wherever an environment acts")
                    .containsAll(policies.environments().stream().map(Environment::namespace).toList());
        }
    }

    @Test
    void theChartsSettingsWinOverTheImagesAndWhatTheyLeaveOutKeepsItsValue() {
        Binder binder = binder(applicationYml(objects(ControlPlaneChart.render(ControlPlaneChart.tree(
                "environments", ControlPlaneChart.tree("production", ControlPlaneChart.tree(
                        "requiresAnalysis", false, "requires", "")),
                "kubernetes", ControlPlaneChart.tree("smoke", "api-proxy", "environments",
                        ControlPlaneChart.tree("production", ControlPlaneChart.tree("servicePort", 8080))))))));

        Policies policies = new Policies(binder.bind("rollgate", RollgateProperties.class).get());
        Environment production = policies.environment("production").orElseThrow();
        KubernetesProperties kubernetes = binder.bind("rollgate.kubernetes", KubernetesProperties.class).get();

        // camelCase in the chart, kebab-case in the image: the same setting, and the chart's is read.
        assertThat(production.requiresAnalysis()).isFalse();
        assertThat(production.requires()).as("an empty value clears the image's").isNull();
        assertThat(production.branch()).as("kept from the values' defaults").isEqualTo("main");
        assertThat(kubernetes.smoke()).isEqualTo(KubernetesProperties.SmokeMode.API_PROXY);
        assertThat(kubernetes.environment("production").servicePort()).isEqualTo(8080);
        // Not in the chart at all: the image's value stands.
        assertThat(binder.bind("rollgate.lease-ttl", java.time.Duration.class).get()).hasSeconds(15);
    }

    @Test
    void theOauth2ClientSecretIsAPlaceholderRollgateFillsFromTheEnvironment() {
        String yaml = applicationYml(objects(ControlPlaneChart.render(ControlPlaneChart.tree("oauth2",
                ControlPlaneChart.tree("enabled", true, "registration", "corp",
                        "issuerUri", "https://sso.example.com/realms/platform")))));
        Map<String, Object> leaves = ControlPlaneChart.leaves(new Yaml().load(yaml), "");

        assertThat(leaves).containsEntry("spring.security.oauth2.client.registration.corp.client-secret",
                "${ROLLGATE_OAUTH2_CLIENT_SECRET}");
        assertThat(leaves).containsEntry("spring.security.oauth2.client.provider.corp.issuer-uri",
                "https://sso.example.com/realms/platform");
        StandardEnvironment environment = environment(yaml);
        environment.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("pod",
                Map.of("ROLLGATE_OAUTH2_CLIENT_SECRET", "from-the-secret")));
        assertThat(environment.getProperty("spring.security.oauth2.client.registration.corp.client-secret"))
                .isEqualTo("from-the-secret");
    }

    private static String applicationYml(List<HasMetadata> rendered) {
        return one(rendered, ConfigMap.class).getData().get("application.yml");
    }

    private static Binder binder(String chartYaml) {
        return Binder.get(environment(chartYaml));
    }

    /** Only the two files: nothing from this JVM's own environment may decide the outcome. */
    private static StandardEnvironment environment(String chartYaml) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        load("chart", new ByteArrayResource(chartYaml.getBytes(StandardCharsets.UTF_8)))
                .forEach(environment.getPropertySources()::addLast);
        load("image", new ClassPathResource("application.yml")).forEach(environment.getPropertySources()::addLast);
        return environment;
    }

    private static List<PropertySource<?>> load(String name, Resource yaml) {
        try {
            return new YamlPropertySourceLoader().load(name, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
