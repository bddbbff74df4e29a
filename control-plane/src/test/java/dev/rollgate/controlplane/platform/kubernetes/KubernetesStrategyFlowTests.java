package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.KubernetesEngineTest;
import dev.rollgate.controlplane.support.MockCluster;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedReadings;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * The rolling strategy and an HPA-owned stable track through the real engine, asserted on the Deployments' history
 * as the API server's watch sent it out and on the bodies of Rollgate's own writes. {@code kb-rolling} analyses a
 * rolling update for 1 s; {@code kb-hpa} is a one-step Istio canary whose canary runs the environment's
 * {@code canary-replicas} (2).
 */
@KubernetesEngineTest
class KubernetesStrategyFlowTests {

    private static final String ROLLING = "kb-rolling";
    private static final String ROLLING_NS = "rollgate-kb-rolling";
    private static final String HPA = "kb-hpa";
    private static final String HPA_NS = "rollgate-kb-hpa";
    private static final int REPLICAS = 2;

    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    MockCluster cluster;
    @Autowired
    ScriptedReadings readings;
    @Autowired
    ClusterCache clusterCache;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    @AfterEach
    void clearFaults() {
        cluster.simulator().clearFaults();
    }

    @Test
    void aRollingReleaseReplacesTheStableTemplateInPlace() {
        ServerHistory history = ServerHistory.of(cluster.client(), ROLLING_NS);
        Release previous = establish("kb-roll", ROLLING);
        smokeAnswers(ROLLING_NS, "kb-roll-stable");

        Release release = driver.start("kb-roll", ROLLING, "2.0.0");
        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);

        assertThat(history.templateRevisions("kb-roll-stable"))
                .containsExactly(previous.candidate().digest(), release.candidate().digest());
        Deployment stable = deployment(ROLLING_NS, "kb-roll-stable");
        assertRunsTemplate(stable, "ghcr.io/rollgate-test/kb-roll:2.0.0", release.candidate().digest());
        // Kubernetes rolls the pods; Rollgate only states the template and the surge rules it rolls by.
        assertThat(stable.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
        assertThat(stable.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(history.replicas("kb-roll-stable")).containsExactly(REPLICAS);
        assertThat(history.deployment("kb-roll-canary")).as("in place: no second Deployment").isEmpty();
        assertThat(history.selectedTracks("kb-roll")).containsExactly("stable");
        assertThat(driver.eventTypes(release.id())).containsSubsequence(ReleaseEvent.Type.SMOKE_PASSED,
                ReleaseEvent.Type.STEP_ADVANCED, ReleaseEvent.Type.SUCCEEDED);
    }

    @Test
    void aGateFailingWhileARollingUpdateIsAnalysedRestoresThePreviousTemplate() {
        ServerHistory history = ServerHistory.of(cluster.client(), ROLLING_NS);
        Release previous = establish("kb-roll-bad", ROLLING);
        smokeAnswers(ROLLING_NS, "kb-roll-bad-stable");
        readings.errorRate("kb-roll-bad", "2.0.0", 0.30);
        PodTemplateSpec before = deployment(ROLLING_NS, "kb-roll-bad-stable").getSpec().getTemplate();

        Release release = driver.start("kb-roll-bad", ROLLING, "2.0.0");
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);

        assertThat(history.templateRevisions("kb-roll-bad-stable")).containsExactly(previous.candidate().digest(),
                release.candidate().digest(), previous.candidate().digest());
        Deployment stable = deployment(ROLLING_NS, "kb-roll-bad-stable");
        assertRunsTemplate(stable, "ghcr.io/rollgate-test/kb-roll-bad:1.0.0", previous.candidate().digest());
        // `kubectl rollout undo`: the previous revision's template as it was, not a look-alike.
        assertThat(stable.getSpec().getTemplate()).isEqualTo(before);
        assertThat(history.replicas("kb-roll-bad-stable")).containsExactly(REPLICAS);
        assertThat(driver.eventTypes(release.id())).containsSubsequence(ReleaseEvent.Type.GATE_FAILED,
                ReleaseEvent.Type.ROLLBACK_STARTED, ReleaseEvent.Type.ROLLED_BACK);
    }

    @Test
    void anHpaOwnsTheStableCountThroughACanaryReleaseAndTheCanaryRunsItsConfiguredCount() {
        String stableName = "kb-hpa-app-stable";
        ServerHistory history = ServerHistory.of(cluster.client(), HPA_NS);
        cluster.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(HPA_NS)
                .resource(new HorizontalPodAutoscalerBuilder()
                        .withNewMetadata().withName(stableName).endMetadata()
                        .withNewSpec().withMinReplicas(5).withMaxReplicas(10)
                            .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                                .withName(stableName).endScaleTargetRef()
                        .endSpec().build())
                .create();
        // As on a cluster where the HPA was installed first: Rollgate's watch has it before the release starts.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> clusterCache.autoscalerMinimum(HPA_NS, stableName).isPresent());
        establish("kb-hpa-app", HPA);
        assertThat(deployment(HPA_NS, stableName).getSpec().getReplicas()).as("created at the HPA's minimum")
                .isEqualTo(5);
        smokeAnswers(HPA_NS, "kb-hpa-app-canary");
        autoscale(stableName, 6);
        RequestCounter.Window window = cluster.requests().window();

        Release release = driver.start("kb-hpa-app", HPA, "2.0.0");
        driver.awaitState(release.id(), ReleaseState.PROGRESSING);
        autoscale(stableName, 7);
        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);

        assertThat(history.replicas(stableName)).as("only the HPA's counts").containsExactly(5, 6, 7);
        assertRunsTemplate(deployment(HPA_NS, stableName), "ghcr.io/rollgate-test/kb-hpa-app:2.0.0",
                release.candidate().digest());
        List<RequestCounter.Request> writes = window.about("/deployments").stream()
                .filter(r -> r.verb().write() && r.path().endsWith("/deployments/" + stableName)).toList();
        // A template update must send the whole object, count included: it carries the HPA's, as read.
        assertThat(writes).as("the new template on stable").isNotEmpty().allSatisfy(r -> {
            assertThat(r.verb()).isEqualTo(RequestCounter.Verb.UPDATE);
            assertThat(cluster.client().getKubernetesSerialization().unmarshal(r.body(), Deployment.class)
                    .getSpec().getReplicas()).isEqualTo(7);
        });
        assertThat(history.replicas("kb-hpa-app-canary")).as("canary-replicas of kb-hpa, then retired")
                .containsExactly(2, 0);
    }

    /** 1.0.0 straight onto stable. */
    private Release establish(String app, String env) {
        return driver.awaitSettled(service.bootstrap(app, env, "1.0.0").block().release().id(),
                ReleaseState.SUCCEEDED);
    }

    private void smokeAnswers(String namespace, String trackService) {
        cluster.server().expect().get()
                .withPath("/api/v1/namespaces/" + namespace + "/services/" + trackService + ":80/proxy/health")
                .andReturn(200, "ok").always();
    }

    /** What the HPA's controller does: the scale subresource's count, written straight onto the Deployment. */
    private void autoscale(String deployment, int replicas) {
        cluster.client().apps().deployments().inNamespace(HPA_NS).withName(deployment)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
    }

    private static void assertRunsTemplate(Deployment d, String image, String revision) {
        assertThat(d.getSpec().getTemplate().getSpec().getContainers()).singleElement()
                .satisfies(c -> assertThat(c.getImage()).isEqualTo(image));
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(DeploymentSpec.REVISION_ANNOTATION, revision);
        assertThat(d.getMetadata().getAnnotations()).containsEntry(DeploymentSpec.REVISION_ANNOTATION, revision);
    }

    private Deployment deployment(String namespace, String name) {
        return cluster.client().apps().deployments().inNamespace(namespace).withName(name).get();
    }
}
