package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseQuery;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.ApiCalls;
import dev.rollgate.controlplane.support.EngineTest;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;

/** A platform that says it cannot take a release (its cluster does not answer) refuses the start, stores nothing. */
@EngineTest
@AutoConfigureWebTestClient
class PlatformAvailabilityTests {

    private static final ScriptedWorld world = ScriptedWorld.INSTANCE;
    private static final String DOWN = "the API server at https://10.0.0.1:6443/ did not answer: ConnectException:"
            + " Connection refused";

    @Autowired
    WebTestClient http;
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

    @AfterEach
    void platformBack() {
        world.makeUnavailable("avail-a/staging", null);
        world.makeUnavailable("avail-b/staging", null);
    }

    private long stored(String application) {
        return releases.search(new ReleaseQuery(application, null, null, 0, 1)).block().total();
    }

    @Test
    void aStartOnAnUnavailablePlatformIs503WithItsReasonAndOtherEnvironmentsCarryOn() {
        world.scriptHealthy("av-1.0.0");
        world.makeUnavailable("avail-a/staging", DOWN);
        ApiCalls api = new ApiCalls(http);
        String manager = api.token("release-manager");

        api.post(manager, "/api/releases", Map.of("application", "avail-a", "environment", "staging",
                        "version", "av-1.0.0"))
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(503)
                .jsonPath("$.title").isEqualTo("Platform unavailable")
                .jsonPath("$.detail").isEqualTo("platform scripted is unavailable: " + DOWN + "; no release of"
                        + " avail-a/staging was started, retry once it is back");
        assertThat(stored("avail-a")).isZero();

        Release dev = driver.start("avail-a", "dev", "av-1.0.0");
        assertThat(driver.awaitSettled(dev.id(), ReleaseState.SUCCEEDED).environment()).isEqualTo("dev");

        world.makeUnavailable("avail-a/staging", null);
        Release staging = driver.start("avail-a", "staging", "av-1.0.0");
        driver.awaitSettled(staging.id(), ReleaseState.SUCCEEDED);
    }

    @Test
    void aFastRollbackWaitsForThePlatformToo() {
        Release first = driver.establish("avail-b", "staging", "avb-1.0.0");
        driver.establish("avail-b", "staging", "avb-1.1.0");
        world.makeUnavailable("avail-b/staging", DOWN);
        long before = stored("avail-b");

        Throwable refused = catchThrowable(() -> service.fastRollback("avail-b", "staging", first.id(),
                ReleaseDriver.TESTER, "back to 1.0.0", null).block());

        assertThat(refused).isInstanceOfSatisfying(ReleaseProblem.class, p -> {
            assertThat(p.kind()).isEqualTo(ReleaseProblem.Kind.UNAVAILABLE);
            assertThat(p.extra()).containsEntry("platform", "scripted");
            assertThat(p.getMessage()).contains(DOWN);
        });
        assertThat(stored("avail-b")).isEqualTo(before);
    }
}
