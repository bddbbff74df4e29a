package dev.rollgate.controlplane.charts;

import static dev.rollgate.controlplane.charts.ControlPlaneChart.DIR;
import static dev.rollgate.controlplane.charts.ControlPlaneChart.objects;
import static dev.rollgate.controlplane.charts.ControlPlaneChart.ofKind;
import static dev.rollgate.controlplane.charts.ControlPlaneChart.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.Yaml;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.spi.ConnectionFactoryOptions;

/**
 * The chart as {@code helm lint --strict} and {@code helm template} see it with each value file under {@code ci/},
 * its output read by fabric8 and stored by the mock API server, and what a running Rollgate would make of it.
 */
@EnableKubernetesMockClient(crud = true)
class ControlPlaneChartTests {

    static KubernetesClient client;

    static Stream<Path> ciValues() {
        return ControlPlaneChart.ciValues();
    }

    @Test
    void theAppVersionIsTheMavenProjectVersion() throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("..", "pom.xml").toFile()).getDocumentElement();
        String mavenVersion = null;
        // The project's own <version> is a child of <project>; the parent's sits inside <parent>.
        for (var node = project.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element e && e.getTagName().equals("version")) {
                mavenVersion = e.getTextContent().trim();
            }
        }
        Map<String, Object> chart = ControlPlaneChart.yaml(DIR.resolve("Chart.yaml"));

        assertThat(chart.get("appVersion")).isEqualTo(mavenVersion);
        assertThat(chart.get("apiVersion")).isEqualTo("v2");
    }

    @Test
    void theCiValuesCoverTheWaysTheChartIsInstalled() {
        assertThat(ciValues().map(p -> p.getFileName().toString())).contains("defaults-values.yaml",
                "production-values.yaml", "cluster-wide-values.yaml", "istio-values.yaml", "gateway-api-values.yaml");
    }

    /** helm-java's lint takes no value file, so each is merged into a copy of the chart's values.yaml. */
    @ParameterizedTest
    @MethodSource("ciValues")
    void lintsStrictWithoutAFinding(Path values, @TempDir Path copy) throws IOException {
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path f : files.toList()) {
                Path target = copy.resolve(DIR.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        Map<String, Object> merged = ControlPlaneChart.merge(ControlPlaneChart.yaml(DIR.resolve("values.yaml")),
                ControlPlaneChart.yaml(values));
        Files.writeString(copy.resolve("values.yaml"), new Yaml().dump(merged));

        LintResult lint = new Helm(copy).lint().strict().call();

        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void rendersObjectsFabric8ReadsWholeAndTheApiServerStores(Path values) {
        List<HasMetadata> rendered = objects(ControlPlaneChart.render(values));

        assertThat(rendered).isNotEmpty();
        for (HasMetadata o : rendered) {
            String name = o.getKind() + " " + o.getMetadata().getName();
            assertThat(ControlPlaneChart.unknownFields(o, name)).as("fields fabric8's model does not know").isEmpty();
            assertThat(o.getMetadata().getLabels()).as(name).containsKeys("app.kubernetes.io/name",
                    "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by",
                    "helm.sh/chart");
            HasMetadata stored = o instanceof GenericKubernetesResource g ? storeCustom(g)
                    : client.resource(o).createOr(NonDeletingOperation::update);
            assertThat(stored.getMetadata().getUid()).as(name).isNotBlank();
        }
        assertThat(ofKind(rendered, Secret.class)).as("Secrets are the user's, referenced by name").isEmpty();
    }

    /** The mock server cannot discover custom resources: the ServiceMonitor goes in under its own definition. */
    private static HasMetadata storeCustom(GenericKubernetesResource g) {
        assertThat(g.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(g.getKind()).isEqualTo("ServiceMonitor");
        ResourceDefinitionContext serviceMonitors = new ResourceDefinitionContext.Builder()
                .withGroup("monitoring.coreos.com").withVersion("v1").withKind("ServiceMonitor")
                .withPlural("servicemonitors").withNamespaced(true).build();
        return client.genericKubernetesResources(serviceMonitors).inNamespace(g.getMetadata().getNamespace())
                .resource(g).createOr(NonDeletingOperation::update);
    }

    @Test
    void runsTwoReplicasSpreadOverNodesThatADrainCannotTakeBothOf() {
        List<HasMetadata> rendered = objects(ControlPlaneChart.render(Map.of()));
        Deployment deployment = one(rendered, Deployment.class);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        PodDisruptionBudget pdb = one(rendered, PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        TopologySpreadConstraint spread = deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()
                .get(0);
        assertThat(spread.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(spread.getMaxSkew()).isEqualTo(1);
        assertThat(podLabels).containsAllEntriesOf(spread.getLabelSelector().getMatchLabels());

        // One replica would make the budget block every drain: none is rendered then.
        assertThat(ofKind(objects(ControlPlaneChart.renderWith("replicaCount", 1)), PodDisruptionBudget.class))
                .isEmpty();
    }

    @Test
    void probesTheActuatorHealthGroupsTheApplicationExposes() {
        Container container = container(objects(ControlPlaneChart.render(Map.of())));
        Map<String, Object> shipped = ControlPlaneChart.leaves(ControlPlaneChart.yaml(
                Path.of("src", "main", "resources", "application.yml")), "");

        assertThat(shipped).containsEntry("management.endpoint.health.probes.enabled", true);
        assertThat(String.valueOf(shipped.get("management.endpoints.web.exposure.include"))).contains("health");
        assertThat(shipped).containsEntry("server.port", "${PORT:8090}");
        assertThat(env(container, "PORT")).isEqualTo("8090");
        assertThat(container.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getContainerPort()).isEqualTo(8090);
            assertThat(p.getName()).isEqualTo("http");
        });
        assertProbe(container.getLivenessProbe(), "/actuator/health/liveness");
        assertProbe(container.getStartupProbe(), "/actuator/health/liveness");
        assertProbe(container.getReadinessProbe(), "/actuator/health/readiness");
        assertThat(container.getLivenessProbe().getFailureThreshold()).isEqualTo(3);
        assertThat(container.getStartupProbe().getPeriodSeconds() * container.getStartupProbe().getFailureThreshold())
                .as("seconds a first start (migrations) may take").isGreaterThanOrEqualTo(120);
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(probe.getTimeoutSeconds()).isPositive();
    }

    @Test
    void runsAsUid1001OnAReadOnlyRootWithAnEmptyDirForTemporaryFiles() {
        List<HasMetadata> rendered = objects(ControlPlaneChart.render(Map.of()));
        PodSpec pod = one(rendered, Deployment.class).getSpec().getTemplate().getSpec();
        Container container = container(rendered);

        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1001L);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        String tmp = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst()
                .orElseThrow().getName();
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(tmp))
                .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
        // The one directory Rollgate creates at start (the local platform's, unused here) must be writable.
        assertThat(env(container, "ROLLGATE_STATE_DIR")).startsWith("/tmp/");
        assertThat(container.getImage()).isEqualTo("ghcr.io/rollgate-demo/control-plane:"
                + ControlPlaneChart.yaml(DIR.resolve("Chart.yaml")).get("appVersion"));
    }

    @Test
    void thePolicyReachesRollgateAsAMountedApplicationYml() {
        List<HasMetadata> rendered = objects(ControlPlaneChart.render(Map.of()));
        Container container = container(rendered);
        PodSpec pod = one(rendered, Deployment.class).getSpec().getTemplate().getSpec();
        ConfigMap config = one(rendered, ConfigMap.class);

        String location = env(container, "SPRING_CONFIG_ADDITIONAL_LOCATION");
        assertThat(location).startsWith("file:");
        Path file = Path.of(location.substring("file:".length()));
        var mount = container.getVolumeMounts().stream()
                .filter(m -> file.startsWith(m.getMountPath())).findFirst().orElseThrow();
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(mount.getName())).singleElement()
                .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo(config.getMetadata().getName()));
        assertThat(config.getData()).containsKey(Path.of(mount.getMountPath()).relativize(file).toString());
        assertThat(pod.getServiceAccountName()).isEqualTo(ControlPlaneChart.FULLNAME);
    }

    @Test
    void aTlsOnlyDatabaseGetsUrlsBothDriversReadTheModeFrom() {
        Container container = container(objects(ControlPlaneChart.renderWith("database.sslMode", "require")));

        ConnectionFactoryOptions r2dbc = ConnectionFactoryOptions.parse(env(container, "SPRING_R2DBC_URL"));
        assertThat(r2dbc.getValue(ConnectionFactoryOptions.HOST)).isEqualTo("postgresql");
        assertThat(r2dbc.getValue(ConnectionFactoryOptions.DATABASE)).isEqualTo("rollgate");
        assertThat(r2dbc.getValue(PostgresqlConnectionFactoryProvider.SSL_MODE)).hasToString("require");
        assertThat(org.postgresql.Driver.parseURL(env(container, "SPRING_FLYWAY_URL"), null))
                .containsEntry("sslmode", "require").containsEntry("PGDBNAME", "rollgate");
        assertThat(env(container(objects(ControlPlaneChart.render(Map.of()))), "SPRING_R2DBC_URL"))
                .as("without sslMode the image's URLs stand").isNull();
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void secretsAreReferencedByNameAndNoConfigMapHoldsOne(Path values) {
        List<HasMetadata> rendered = objects(ControlPlaneChart.render(values));
        Map<String, Object> valuesTree = ControlPlaneChart.merge(ControlPlaneChart.yaml(DIR.resolve("values.yaml")),
                ControlPlaneChart.yaml(values));
        String existing = String.valueOf(((Map<?, ?>) valuesTree.get("secrets")).get("existingSecret"));

        for (EnvVar e : container(rendered).getEnv()) {
            if (e.getName().matches(".*(PASSWORD|SECRET|TOKEN).*")) {
                assertThat(e.getValue()).as(e.getName()).isNull();
                assertThat(e.getValueFrom().getSecretKeyRef().getName()).as(e.getName()).isNotBlank();
                if (!existing.isEmpty()) {
                    assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(existing);
                }
            }
        }
        assertThat(container(rendered).getEnv()).extracting(EnvVar::getName).contains("DB_PASSWORD",
                "ROLLGATE_ADMIN_TOKEN", "ROLLGATE_GITHUB_WEBHOOK_SECRET", "ROLLGATE_SLACK_SIGNING_SECRET");
        for (ConfigMap config : ofKind(rendered, ConfigMap.class)) {
            for (String data : config.getData().values()) {
                assertNoSecretValue(ControlPlaneChart.leaves(new Yaml().load(data), ""));
            }
        }
        assertNoSecretValue(ControlPlaneChart.leaves(valuesTree, ""));
    }

    /**
     * A setting named like a secret holds a placeholder Rollgate fills from the environment, or it names a Secret
     * or a key in one (the tracks' Secrets, the chart's references), never a value.
     */
    private static void assertNoSecretValue(Map<String, Object> leaves) {
        leaves.forEach((path, value) -> {
            String key = path.substring(path.lastIndexOf('.') + 1).toLowerCase().replace("-", "");
            boolean secretLike = key.contains("password") || key.contains("secret") || key.contains("token");
            boolean namesOne = path.startsWith("secrets.") || key.matches("(database|jwt)secret(key)?|imagepullsecrets");
            boolean empty = value == null || String.valueOf(value).isEmpty()
                    || value instanceof java.util.Collection<?> c && c.isEmpty();
            if (secretLike && !namesOne && !empty) {
                assertThat(String.valueOf(value)).as(path).matches("\\$\\{[A-Z0-9_]+}");
            }
        });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            replicaCount                    | 0         | '/replicaCount'
            kubernetes.smoke                | sideways  | '/kubernetes/smoke'
            environments.dev.router         | linkerd   | '/environments/dev/router'
            environments.dev.metrics        | builtin   | '/environments/dev/metrics'
            environments.dev.stratgy        | rolling   | 'stratgy' not allowed
            podSecurityContext.runAsNonRoot | false     | '/podSecurityContext/runAsNonRoot'
            image.pullPolicy                | Sometimes | '/image/pullPolicy'
            secrets.database.name           | Not_Valid | '/secrets/database/name'
            replicas                        | 3         | 'replicas' not allowed
            """)
    void refusesValuesTheSchemaForbids(String key, String value, String named) {
        Throwable refused = catchThrowable(() -> ControlPlaneChart.renderWith(key, value));

        assertThat(refused).as("%s=%s", key, value).isNotNull();
        assertThat(refused.getMessage()).contains("schema").contains(named);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            environments.dev.namespace | video-elsewhere | kubernetes.namespaces
            environments.staging       | null            | environments.staging
            environments.dev.router    | gateway-api     | kubernetes.environments.dev.parentRefs
            """)
    void refusesValuesRollgateCouldNotWorkWith(String key, String value, String named) {
        Throwable refused = catchThrowable(() -> ControlPlaneChart.renderWith(key, value));

        assertThat(refused).as("%s=%s", key, value).isNotNull();
        assertThat(refused.getMessage()).contains(named);
    }

    static Container container(List<HasMetadata> rendered) {
        return one(rendered, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .map(EnvVar::getValue).orElse(null);
    }
}
