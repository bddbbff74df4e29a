package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.port.SmokeChecker;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.release.port.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

class KubernetesConfigurationTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(KubernetesProperties.class)
    static class Properties {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Properties.class, KubernetesConfiguration.class)
            .withConfiguration(AutoConfigurations.of(HealthContributorRegistryAutoConfiguration.class))
            // Building a fabric8 client contacts no cluster, so the enabled case needs none either.
            .withBean(Policies.class, () -> mock(Policies.class));

    @TempDir
    Path dir;

    /** A kubeconfig with a context {@code dead} (current) on a closed port and {@code mock} on {@code server}. */
    private Path kubeconfig(String server, boolean insecure) throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: dead
                  cluster:
                    server: http://127.0.0.1:%d
                - name: mock
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: %s
                users:
                - name: rollgate
                  user:
                    token: not-a-real-token
                contexts:
                - name: dead
                  context: {cluster: dead, user: rollgate, namespace: default}
                - name: mock
                  context: {cluster: mock, user: rollgate, namespace: video}
                current-context: dead
                """.formatted(closed, server, insecure));
        return file;
    }

    private static KubernetesMockServer mockServer(boolean https) {
        KubernetesMockServer server = new KubernetesMockServer(https);
        server.init();
        server.setVersionInfo(new VersionInfo.Builder().withMajor("1").withMinor("31").withGitVersion("v1.31.2")
                .build());
        return server;
    }

    private static Health health(org.springframework.context.ApplicationContext ctx) {
        ReactiveHealthIndicator component = (ReactiveHealthIndicator) ctx.getBean(
                ReactiveHealthContributorRegistry.class).getContributor("kubernetes");
        assertThat(component).as("the health component named kubernetes").isNotNull();
        return component.health().block(Duration.ofSeconds(10));
    }

    @Test
    void withoutTheSwitchNoClusterClientExists() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).doesNotHaveBean(KubernetesClient.class);
            assertThat(ctx).doesNotHaveBean(Workloads.class);
            assertThat(ctx).doesNotHaveBean(TrafficRouter.class);
            assertThat(ctx).doesNotHaveBean(KubernetesHealthIndicator.class);
            assertThat(ctx.getBean(ReactiveHealthContributorRegistry.class).getContributor("kubernetes")).isNull();
        });
    }

    @Test
    void theSwitchAddsTheKubernetesPlatformWithItsSettings() {
        runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.replicas=3",
                "rollgate.kubernetes.database-secret=pg", "rollgate.kubernetes.resources.memory-limit=2Gi")
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(KubernetesClient.class);
                    assertThat(ctx.getBean(Workloads.class).platform()).isEqualTo("kubernetes");
                    assertThat(ctx.getBean(SmokeChecker.class).platform()).isEqualTo("kubernetes");
                    assertThat(ctx.getBeansOfType(TrafficRouter.class).values()).extracting(TrafficRouter::name)
                            .containsExactlyInAnyOrder("istio", "gateway-api", "service");
                    KubernetesProperties p = ctx.getBean(KubernetesProperties.class);
                    assertThat(p.replicas()).isEqualTo(3);
                    assertThat(p.databaseSecret()).isEqualTo("pg");
                    assertThat(p.jwtSecret()).isEqualTo("jwt-secret");
                    assertThat(p.resources().memoryLimit()).isEqualTo("2Gi");
                    assertThat(p.resources().cpuRequest()).isEqualTo("500m");
                    assertThat(p.smoke()).isEqualTo(KubernetesProperties.SmokeMode.IN_CLUSTER);
                });
    }

    @Test
    void withoutTheSwitchNothingWatchesTheCluster() {
        runner.run(ctx -> {
            assertThat(ctx).doesNotHaveBean(ClusterCache.class);
            assertThat(ctx).doesNotHaveBean(ServiceRouter.class);
        });
    }

    @Test
    void theSwitchAddsTheServiceRouterBesideTheWorkloadsOnOneCache() {
        runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.mirror-hpa-minimum=true",
                "rollgate.kubernetes.environments.production.canary-replicas=2",
                "rollgate.kubernetes.environments.production.service-port=8081")
                .run(ctx -> {
                    assertThat(ctx.getBeansOfType(TrafficRouter.class).values()).extracting(TrafficRouter::name)
                            .contains("service");
                    assertThat(ctx.getBean(ServiceRouter.class).name()).isEqualTo("service");
                    assertThat(ctx).hasSingleBean(ClusterCache.class).hasSingleBean(KubernetesWorkloads.class);
                    KubernetesProperties p = ctx.getBean(KubernetesProperties.class);
                    assertThat(p.mirrorHpaMinimum()).isTrue();
                    assertThat(p.environment("production").canaryReplicas()).isEqualTo(2);
                    assertThat(p.environment("production").servicePort()).isEqualTo(8081);
                    assertThat(p.environment("production").replicas()).isEqualTo(1);
                    assertThat(p.environment("staging").canaryReplicas()).isEqualTo(1);
                });
    }

    @Test
    void aKubeconfigAndContextPickThatClusterWithTheEnginesTimeouts() throws IOException {
        KubernetesMockServer server = mockServer(false);
        try {
            Path file = kubeconfig(server.url("/"), false);
            runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.kubeconfig=" + file,
                    "rollgate.kubernetes.context=mock", "rollgate.kubernetes.smoke=api-proxy").run(ctx -> {
                        assertThat(ctx).hasNotFailed();
                        KubernetesClient client = ctx.getBean(KubernetesClient.class);
                        assertThat(client.getMasterUrl().toString()).isEqualTo(server.url("/"));
                        assertThat(client.getConfiguration().getNamespace()).isEqualTo("video");
                        assertThat(client.getConfiguration().getRequestTimeout()).isEqualTo(5_000);
                        assertThat(client.getConfiguration().getRequestRetryBackoffLimit()).isEqualTo(1);
                        Health health = health(ctx);
                        assertThat(health.getStatus()).isEqualTo(Status.UP);
                        assertThat(health.getDetails()).containsEntry("version", "v1.31.2");
                    });
        } finally {
            server.destroy();
        }
    }

    @Test
    void anHttpsClusterWithInsecureSkipTlsVerifyIsReached() throws IOException {
        KubernetesMockServer server = mockServer(true);
        try {
            assertThat(server.url("/")).startsWith("https://");
            Path file = kubeconfig(server.url("/"), true);
            runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.kubeconfig=" + file,
                    "rollgate.kubernetes.context=mock").run(ctx -> assertThat(health(ctx).getStatus())
                    .isEqualTo(Status.UP));
        } finally {
            server.destroy();
        }
    }

    @Test
    void anUnreachableApiServerDoesNotStopRollgateAndSaysWhy() throws IOException {
        // The file's current context is the dead one.
        Path file = kubeconfig("http://127.0.0.1:1", false);
        runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.kubeconfig=" + file)
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    Health health = health(ctx);
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat((String) health.getDetails().get("error")).startsWith("did not answer");
                    assertThat(ctx.getBean(Workloads.class).unavailable(new Target("video-api", "prod", "video"))
                            .block(Duration.ofSeconds(10))).get().asString()
                            .startsWith("the API server at " + health.getDetails().get("server") + " did not answer");
                });
    }

    @Test
    void anUnknownContextFailsStartupNamingItAndTheFile() throws IOException {
        Path file = kubeconfig("http://127.0.0.1:1", false);
        runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.kubeconfig=" + file,
                "rollgate.kubernetes.context=prod-cluster").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause()
                            .hasMessageContaining("rollgate.kubernetes.context")
                            .hasMessageContaining("prod-cluster")
                            .hasMessageContaining("no such context in " + file.toAbsolutePath())
                            .hasMessageContaining("contexts: dead, mock");
                });
    }

    @Test
    void aMissingOrUnparseableKubeconfigFailsStartupNamingTheFile() throws IOException {
        Path missing = dir.resolve("nope");
        runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.kubeconfig=" + missing)
                .run(ctx -> assertThat(ctx.getStartupFailure()).rootCause()
                        .hasMessageContaining("rollgate.kubernetes.kubeconfig")
                        .hasMessageContaining("cannot read " + missing.toAbsolutePath())
                        .hasMessageContaining("NoSuchFileException"));

        Path garbage = Files.writeString(dir.resolve("garbage"), "clusters: [unclosed");
        runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.kubeconfig=" + garbage)
                .run(ctx -> assertThat(ctx.getStartupFailure()).rootCause()
                        .hasMessageContaining(garbage.toAbsolutePath() + " is not a usable kubeconfig: while parsing a"
                                + " flow sequence at line 1, column 20")
                        .hasMessageNotContaining("unclosed"));
    }

    @Test
    void aKubeconfigWithoutCurrentContextNeedsOneNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("no-current"), Files.readString(kubeconfig("http://127.0.0.1:1",
                false)).replace("current-context: dead\n", ""));
        runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.kubeconfig=" + file)
                .run(ctx -> assertThat(ctx.getStartupFailure()).rootCause()
                        .hasMessageContaining("names no current-context; set rollgate.kubernetes.context to one of:"
                                + " dead, mock"));
    }

    @Test
    void aContextAloneIsLookedUpInTheUsualKubeconfig() throws IOException {
        KubernetesMockServer server = mockServer(false);
        String before = System.getProperty("kubeconfig");
        try {
            Path file = kubeconfig(server.url("/"), false);
            // fabric8 reads the system property before the KUBECONFIG variable; restored below.
            System.setProperty("kubeconfig", file.toString());
            runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.context=mock")
                    .run(ctx -> assertThat(ctx.getBean(KubernetesClient.class).getMasterUrl().toString())
                            .isEqualTo(server.url("/")));
            runner.withPropertyValues("rollgate.kubernetes.enabled=true", "rollgate.kubernetes.context=prod-cluster")
                    .run(ctx -> assertThat(ctx.getStartupFailure()).rootCause()
                            .hasMessageContaining("no such context in " + file)
                            .hasMessageContaining("set rollgate.kubernetes.kubeconfig to the file that has it"));
        } finally {
            if (before == null) {
                System.clearProperty("kubeconfig");
            } else {
                System.setProperty("kubeconfig", before);
            }
            server.destroy();
        }
    }
}
