package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.support.EngineTest;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import dev.rollgate.controlplane.support.ScriptedWorld.Behaviour;

/**
 * Production (requires: staging) takes exactly the revision staging ran, and only once its analysis passed there;
 * hotfix (requires: staging, requires-analysis: false) also takes one a person promoted by hand.
 */
@EngineTest
class ProductionPrerequisiteTests {

    private static final ScriptedWorld world = ScriptedWorld.INSTANCE;

    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    private Release start(String app, String env, String version, String image, Map<String, String> config) {
        return service.create(new NewRelease(app, env, version, image, null, config), ReleaseDriver.TESTER, null, null)
                .block().release();
    }

    private ReleaseProblem refused(String app, String env, String version, String image, Map<String, String> config) {
        ReleaseProblem problem = catchThrowableOfType(ReleaseProblem.class,
                () -> start(app, env, version, image, config));
        assertThat(problem).as("refused").isNotNull();
        assertThat(problem.kind()).isEqualTo(ReleaseProblem.Kind.CONFLICT);
        return problem;
    }

    @Test
    void productionRefusesAConfigurationOrImageStagingNeverRanAndSaysWhatDiffers() {
        world.scriptHealthy("pa-1.0.0");
        driver.awaitSettled(start("pre-a", "staging", "pa-1.0.0", null, Map.of("A", "1")).id(),
                ReleaseState.SUCCEEDED);

        ReleaseProblem config = refused("pre-a", "production", "pa-1.0.0", null,
                Map.of("A", "1", "VIDEOAPI_FAULTS_ERROR_RATE", "0.3", "API_TOKEN", "s3cr3t-value"));
        ReleaseProblem image = refused("pre-a", "production", "pa-1.0.0", "example/pre-a:other", Map.of("A", "1"));

        assertThat(config.getMessage())
                .contains("staging ran pa-1.0.0 with config {A=1}; this request has"
                        + " {A=1, API_TOKEN=***, VIDEOAPI_FAULTS_ERROR_RATE=0.3}")
                .contains("differs in API_TOKEN, VIDEOAPI_FAULTS_ERROR_RATE")
                .doesNotContain("s3cr3t-value");
        assertThat(image.getMessage()).contains("staging ran pa-1.0.0 as image (none: the bundled build);"
                + " this request has image example/pre-a:other");
        assertThat(releases.findHolder("pre-a", "production").blockOptional()).isEmpty();
        Release same = start("pre-a", "production", "pa-1.0.0", null, Map.of("A", "1"));
        driver.awaitSettled(same.id(), ReleaseState.SUCCEEDED);
    }

    @Test
    void aStagingReleasePromotedByHandCountsOnlyWhereAnalysisIsNotRequired() {
        driver.establish("pre-b", "staging", "pb-1.0.0");
        // Too little traffic for the gates to decide: only a person's promote can finish it.
        world.script("pb-1.1.0", new Behaviour(true, false, gate -> new Sample(0, 10, 0.0), List.of()));
        Release staging = driver.start("pre-b", "staging", "pb-1.1.0");
        driver.awaitState(staging.id(), ReleaseState.PROGRESSING);
        service.command(staging.id(), new Command(Command.Type.PROMOTE, ReleaseDriver.TESTER, "urgent"), null)
                .block();
        Release promoted = driver.awaitSettled(staging.id(), ReleaseState.SUCCEEDED);

        assertThat(promoted.promotedByHand()).isTrue();
        assertThat(promoted.analysisSkipped()).isTrue();
        assertThat(driver.events(staging.id())).filteredOn(e -> e.type() == Type.PROMOTING).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("promotedByHand", true));
        ReleaseProblem production = refused("pre-b", "production", "pb-1.1.0", null, Map.of());
        assertThat(production.getMessage()).contains("pb-1.1.0 SUCCEEDED in staging only without passing its analysis")
                .contains("promoted by hand").contains(staging.id().toString());
        world.scriptHealthy("pb-1.1.0");
        Release hotfix = driver.start("pre-b", "hotfix", "pb-1.1.0");
        Release done = driver.awaitSettled(hotfix.id(), ReleaseState.SUCCEEDED);
        assertThat(done.promotedByHand()).isFalse();
        assertThat(driver.events(hotfix.id())).filteredOn(e -> e.type() == Type.SUCCEEDED).singleElement()
                .satisfies(e -> assertThat(e.data()).doesNotContainKey("promotedByHand"));
    }
}
