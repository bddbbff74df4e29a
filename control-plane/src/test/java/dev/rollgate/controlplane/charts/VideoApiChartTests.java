package dev.rollgate.controlplane.charts;

import static dev.rollgate.controlplane.charts.VideoApiChart.NAMESPACE;
import static dev.rollgate.controlplane.charts.VideoApiChart.all;
import static dev.rollgate.controlplane.charts.VideoApiChart.ci;
import static dev.rollgate.controlplane.charts.VideoApiChart.one;
import static dev.rollgate.controlplane.charts.VideoApiChart.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import dev.rollgate.controlplane.platform.kubernetes.IstioRoutes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;

/**
 * {@code charts/video-api} linted and rendered by Helm itself (helm-java), the output parsed with fabric8 and applied
 * to fabric8's mock API server. How the rendered objects fit what Rollgate writes is in
 * {@link VideoApiChartRollgateFitTests}; what a real {@code helm upgrade} keeps is in {@link VideoApiChartUpgradeTests}.
 */
@EnableKubernetesMockClient(crud = true)
class VideoApiChartTests {

    static KubernetesClient client;

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final ResourceDefinitionContext SERVICE_MONITORS = new ResourceDefinitionContext.Builder()
            .withGroup("monitoring.coreos.com").withVersion("v1").withKind("ServiceMonitor")
            .withPlural("servicemonitors").withNamespaced(true).build();
    /** Names under which a value is a secret; such a key has no place in a ConfigMap. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(passw|secret|token|credential|private|api[-_]?key|database[-_]?url).*");
    /** A URL carrying a password (scheme://user:password@host). */
    private static final Pattern CREDENTIAL_URL = Pattern.compile("[a-z+]+://[^/@\\s]+:[^/@\\s]+@.*");

    static Stream<Path> ciValuesFiles() {
        return VideoApiChart.ciValuesFiles().stream();
    }

    @Test
    void shipsTheCiValuesFilesTheIssueAsksFor() {
        assertThat(VideoApiChart.ciValuesFiles()).map(p -> p.getFileName().toString()).contains(
                "default-values.yaml", "production-values.yaml", "unmanaged-values.yaml", "istio-values.yaml",
                "gateway-api-values.yaml");
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void lintsCleanInStrictModeWithEachCiValuesFile(Path values) {
        LintResult result = VideoApiChart.lint(values);

        assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void everyObjectRenderedWithEachCiValuesFileIsAcceptedByTheApiServer(Path values) {
        List<HasMetadata> objects = render(values, Map.of());
        String namespace = "chart-" + NAMESPACES.incrementAndGet();

        for (HasMetadata object : objects) {
            create(namespace, object);
        }

        assertThat(objects).isNotEmpty();
        for (HasMetadata object : objects) {
            HasMetadata stored = read(namespace, object);
            assertThat(stored).as("%s %s", object.getKind(), object.getMetadata().getName()).isNotNull();
            assertThat(stored.getMetadata().getLabels()).containsAllEntriesOf(object.getMetadata().getLabels());
        }
    }

    private static void create(String namespace, HasMetadata object) {
        if (object instanceof GenericKubernetesResource generic) {
            client.genericKubernetesResources(context(generic)).inNamespace(namespace).resource(generic).create();
        } else {
            client.resource(object).inNamespace(namespace).create();
        }
    }

    private static HasMetadata read(String namespace, HasMetadata object) {
        String name = object.getMetadata().getName();
        if (object instanceof GenericKubernetesResource generic) {
            return client.genericKubernetesResources(context(generic)).inNamespace(namespace).withName(name).get();
        }
        return client.resources(object.getClass()).inNamespace(namespace).withName(name).get();
    }

    /** By group and plural: the mock server has no discovery to find them by apiVersion and kind. */
    private static ResourceDefinitionContext context(GenericKubernetesResource generic) {
        return switch (generic.getKind()) {
            case "VirtualService" -> IstioRoutes.VIRTUAL_SERVICES;
            case "DestinationRule" -> IstioRoutes.DESTINATION_RULES;
            case "ServiceMonitor" -> SERVICE_MONITORS;
            default -> throw new AssertionError("no context for " + generic.getKind());
        };
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(Map.of("replicaCount", 0), "/replicaCount", "minimum"),
                Arguments.of(Map.of("service.type", "ExternalName"), "/service/type", "must be one of"),
                Arguments.of(Map.of("service.sessionAffinity", "Sticky"), "/service/sessionAffinity", "must be one of"),
                Arguments.of(Map.of("strategy.rollingUpdate.maxUnavailable", 1), "/strategy/rollingUpdate/maxUnavailable",
                        "value must be 0"),
                Arguments.of(Map.of("strategy.rollingUpdate.maxSurge", 0), "/strategy/rollingUpdate/maxSurge", "minimum: got 0"),
                Arguments.of(Map.of("autoscaling.minReplicas", 0), "/autoscaling/minReplicas", "minimum"),
                Arguments.of(Map.of("routing.mode", "linkerd"), "/routing/mode", "must be one of"),
                Arguments.of(Map.of("routing.mode", "gateway-api"), "/routing/gatewayApi/parentRefs", "minItems"),
                Arguments.of(Map.of("rollgate.application", "Video_API"), "/rollgate/application", "pattern"),
                Arguments.of(Map.of("configMap.data.DB_PASSWORD", "hunter2"), "DB_PASSWORD", "invalid propertyName"),
                Arguments.of(Map.of("rollgate.managed", false, "extraEnv[0].name", "JWT_SECRET",
                        "extraEnv[0].value", "hunter2"), "/extraEnv/0", "'not' failed"),
                Arguments.of(Map.of("replicaCuont", 3), "replicaCuont", "additional properties"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void refusesValuesTheSchemaForbids(Map<String, Object> sets, String where, String why) {
        assertThatThrownBy(() -> VideoApiChart.template(null, sets))
                .hasMessageContaining("don't meet the specifications of the schema")
                .hasMessageContaining(where)
                .hasMessageContaining(why);
    }

    @Test
    void lintRefusesAValuesFileTheSchemaForbids() throws Exception {
        Path bad = java.nio.file.Files.createTempFile("bad-values", ".yaml");
        java.nio.file.Files.writeString(bad, "service:\n  type: ExternalName\n");

        LintResult result = VideoApiChart.lint(bad);

        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("/service/type", "must be one of");
    }

    @Test
    void refusesMoreMinimumThanMaximumReplicas() {
        assertThatThrownBy(() -> VideoApiChart.template(null, Map.of("autoscaling.minReplicas", 21)))
                .hasMessageContaining("autoscaling.minReplicas (21) must not exceed autoscaling.maxReplicas (20)");
    }

    @Test
    void theAppVersionIsTheMavenProjectVersion() throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("..", "pom.xml").toFile()).getDocumentElement();
        String version = null;
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("version")) {
                version = e.getTextContent().trim();
            }
        }

        assertThat(version).isNotBlank();
        assertThat(VideoApiChart.chartField("appVersion")).isEqualTo(version);
        assertThat(VideoApiChart.chartField("apiVersion")).isEqualTo("v2");
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void rendersNoSecretAndNoSecretValueInAnyConfigMap(Path values) {
        List<HasMetadata> objects = render(values, Map.of());

        assertThat(all(objects, Secret.class)).isEmpty();
        for (ConfigMap configMap : all(objects, ConfigMap.class)) {
            assertThat(configMap.getData()).isNotEmpty();
            configMap.getData().forEach((key, value) -> {
                assertThat(key).doesNotMatch(SECRET_KEY);
                assertThat(value).doesNotMatch(CREDENTIAL_URL);
            });
        }
        for (Deployment deployment : all(objects, Deployment.class)) {
            for (EnvVar env : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                if (SECRET_KEY.matcher(env.getName()).matches()) {
                    assertThat(env.getValue()).as(env.getName()).isNull();
                    assertThat(env.getValueFrom().getSecretKeyRef()).as(env.getName()).isNotNull();
                }
            }
        }
    }

    @Test
    void readsSecretsByTheNamesAndKeysGivenAndExistingSecretReplacesBothNames() {
        Container named = container(render(Map.of("rollgate.managed", false, "secrets.database.name", "pg",
                "secrets.database.key", "url", "secrets.jwt.name", "signing", "secrets.jwt.key", "key")));
        Container existing = container(render(Map.of("rollgate.managed", false,
                "secrets.existingSecret", "video-api-secrets")));

        assertThat(secretRef(named, "DATABASE_URL")).isEqualTo("pg/url");
        assertThat(secretRef(named, "JWT_SECRET")).isEqualTo("signing/key");
        assertThat(secretRef(existing, "DATABASE_URL")).isEqualTo("video-api-secrets/DATABASE_URL");
        assertThat(secretRef(existing, "JWT_SECRET")).isEqualTo("video-api-secrets/JWT_SECRET");
    }

    private static Container container(List<HasMetadata> objects) {
        return one(objects, Deployment.class, "video-api").getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static String secretRef(Container container, String variable) {
        var ref = container.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst().orElseThrow()
                .getValueFrom().getSecretKeyRef();
        return ref.getName() + "/" + ref.getKey();
    }

    @Test
    void theConfigMapIsAppConfigWithTheSpecsKeys() {
        ConfigMap configMap = one(render(Map.of()), ConfigMap.class, "app-config");

        assertThat(configMap.getData()).containsOnlyKeys("redis_url", "elasticsearch_url", "s3_bucket",
                "cloudfront_domain");
    }

    @Test
    void withoutRollgateOneDeploymentRunsAsTheSpecDescribes() {
        List<HasMetadata> objects = render(ci("unmanaged-values.yaml"), Map.of());
        Deployment deployment = one(objects, Deployment.class, "video-api");
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(all(objects, Deployment.class)).hasSize(1);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(container.getImage()).isEqualTo("ghcr.io/rollgate-demo/video-api:1.2.3");
        assertThat(container.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8080));
        var liveness = container.getLivenessProbe();
        assertThat(List.of(liveness.getHttpGet().getPath(), liveness.getInitialDelaySeconds(),
                liveness.getPeriodSeconds(), liveness.getTimeoutSeconds(), liveness.getFailureThreshold()))
                .containsExactly("/health", 30, 10, 5, 3);
        var readiness = container.getReadinessProbe();
        assertThat(List.of(readiness.getHttpGet().getPath(), readiness.getInitialDelaySeconds(),
                readiness.getPeriodSeconds(), readiness.getTimeoutSeconds(), readiness.getSuccessThreshold(),
                readiness.getFailureThreshold())).containsExactly("/ready", 10, 5, 3, 1, 3);
        assertThat(container.getResources().getRequests()).hasToString("{cpu=500m, memory=512Mi}");
        assertThat(container.getResources().getLimits()).hasToString("{cpu=1, memory=1Gi}");
        // Rollgate's informers take anything labelled rollgate.dev/release for one of its own Deployments.
        assertThat(deployment.getMetadata().getLabels()).doesNotContainKey("rollgate.dev/release");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("version", "1.2.3");
    }

    @Test
    void withoutRollgateTheHpaTargetsTheChartsDeploymentWhichLeavesItsCountAlone() {
        List<HasMetadata> objects = render(Map.of("rollgate.managed", false));

        // A replicas field would be reset to 3 by every helm upgrade, whatever the HPA had chosen.
        assertThat(one(objects, Deployment.class, "video-api").getSpec().getReplicas()).isNull();
        assertThat(one(objects, HorizontalPodAutoscaler.class, "video-api").getSpec().getScaleTargetRef().getName())
                .isEqualTo("video-api");
    }

    @Test
    void theHpaScalesBetweenTheSpecsBoundsOnCpuAndMemoryAtTheSpecsPace() {
        var spec = one(render(Map.of()), HorizontalPodAutoscaler.class, "video-api").getSpec();

        assertThat(spec.getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(spec.getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
        assertThat(spec.getMinReplicas()).isEqualTo(3);
        assertThat(spec.getMaxReplicas()).isEqualTo(20);
        assertThat(spec.getMetrics()).extracting(m -> m.getResource().getName() + "="
                + m.getResource().getTarget().getType() + ":" + m.getResource().getTarget().getAverageUtilization())
                .containsExactly("cpu=Utilization:70", "memory=Utilization:80");
        assertThat(rules(spec.getBehavior().getScaleUp())).isEqualTo("60s: Percent 50 per 60s");
        assertThat(rules(spec.getBehavior().getScaleDown())).isEqualTo("300s: Pods 1 per 60s");
    }

    private static String rules(HPAScalingRules rules) {
        List<String> policies = new ArrayList<>();
        rules.getPolicies().forEach(p -> policies.add(p.getType() + " " + p.getValue() + " per " + p.getPeriodSeconds() + "s"));
        return rules.getStabilizationWindowSeconds() + "s: " + String.join(", ", policies);
    }

    @Test
    void theServiceMonitorScrapesEachPodOnceAndCopiesTheLabelsTheGatesMatch() {
        GenericKubernetesResource monitor = VideoApiChart.generic(
                render(Map.of("serviceMonitor.enabled", true)), "ServiceMonitor").get(0);
        Map<String, Object> spec = map(monitor.getAdditionalProperties().get("spec"));

        assertThat(map(spec.get("selector")).get("matchExpressions")).asString().contains("track", "stable", "canary");
        assertThat(spec.get("podTargetLabels")).asList().contains("app", "track", "version");
        assertThat(spec.get("endpoints")).asString().contains("path=/actuator/prometheus", "port=http");
        assertThat(map(spec.get("namespaceSelector")).get("matchNames")).asList().containsExactly(NAMESPACE);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void notesSayWhatWasInstalledAndHowToReachItInEitherMode() {
        String managed = notes(Map.of());
        String unmanaged = notes(Map.of("rollgate.managed", false, "service.type", "ClusterIP"));

        assertThat(managed).contains("set up for Rollgate", "Services video-api-stable and video-api-canary",
                "HPA video-api on Deployment video-api-stable", "No pod runs yet", "router: service",
                "kubectl -n video-production get service video-api", "port-forward service/video-api 8080:80");
        assertThat(unmanaged).contains("without Rollgate", "Deployment video-api", "rollout status deployment/video-api",
                "port-forward service/video-api 8080:80").doesNotContain("No pod runs yet", "get service video-api -o");
    }

    /** NOTES.txt as {@code helm install --dry-run} prints it, without a cluster. */
    private static String notes(Map<String, Object> sets) {
        var install = new Helm(VideoApiChart.DIR).install().withName(VideoApiChart.RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(VideoApiChart.KUBE_VERSION).dryRun().withDryRunOption(DryRun.CLIENT).clientOnly();
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            install = install.set(set.getKey(), set.getValue());
        }
        String output = install.call().getOutput();
        return output.substring(output.indexOf("NOTES:"));
    }
}
