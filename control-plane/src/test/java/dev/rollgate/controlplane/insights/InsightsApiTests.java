package dev.rollgate.controlplane.insights;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.support.ApiCalls;
import dev.rollgate.controlplane.support.EngineTest;

/** {@code GET /api/insights/dora} on histories written into a real database, with known answers. */
@EngineTest
@AutoConfigureWebTestClient
class InsightsApiTests {

    private static final String PERIOD = "&from=2020-06-01&to=2020-06-14";

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;

    private String viewer;

    @BeforeEach
    void viewer() {
        viewer = new ApiCalls(http).token("VIEWER");
    }

    private Map<String, Object> get(String query) {
        return http.get().uri("/api/insights/dora?" + query).headers(h -> h.setBearerAuth(viewer)).exchange()
                .expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { }).returnResult()
                .getResponseBody();
    }

    @Test
    @SuppressWarnings("unchecked")
    void answersTheFourFiguresOfASeededHistoryToAViewer() {
        new SeededHistory(db, "svc-n", "dev").twoWeeks();
        // another target's releases in the same period must not count
        new SeededHistory(db, "svc-m", "dev").release(ReleaseState.FAILED, null, "2020-06-02T10:00:00Z",
                "2020-06-02T11:00:00Z");
        new SeededHistory(db, "svc-n", "staging").release(ReleaseState.FAILED, null, "2020-06-02T10:00:00Z",
                "2020-06-02T11:00:00Z");

        Map<String, Object> body = get("application=svc-n&environment=dev" + PERIOD);

        assertThat(body).containsEntry("from", "2020-06-01T00:00:00Z").containsEntry("to", "2020-06-15T00:00:00Z");
        Map<String, Object> overall = (Map<String, Object>) body.get("overall");
        assertThat(overall).containsEntry("finished", 5).containsEntry("succeeded", 3).containsEntry("failures", 2)
                .containsEntry("leadTimeMedianSeconds", 3600).containsEntry("leadTimeP90Seconds", 5400)
                .containsEntry("leadTimesFromCreation", 1).containsEntry("changeFailureRate", 0.4);
        assertThat((Double) overall.get("deploymentsPerDay")).isCloseTo(3 / 14.0,
                org.assertj.core.api.Assertions.within(1e-9));
        Map<String, Object> restore = (Map<String, Object>) overall.get("restore");
        assertThat(restore).containsEntry("rollbacks", 1).containsEntry("rollbackMedianSeconds", 120)
                .containsEntry("failed", 1).containsEntry("failedMedianSeconds", 3600)
                .containsEntry("unrestored", 0);
        List<Map<String, Object>> weeks = (List<Map<String, Object>>) body.get("weeks");
        assertThat(weeks).extracting(w -> w.get("start")).containsExactly("2020-06-01", "2020-06-08");
        // figures with nothing to measure are left out of the answer, not sent as zero
        assertThat((Map<String, Object>) weeks.get(1).get("figures")).containsEntry("finished", 0)
                .doesNotContainKeys("changeFailureRate", "leadTimeMedianSeconds");
    }

    @Test
    @SuppressWarnings("unchecked")
    void anEmptyPeriodHasZeroDeploymentsAndNoOtherFigure() {
        Map<String, Object> body = get("application=svc-n&environment=production&from=2019-01-07&to=2019-01-13");

        Map<String, Object> overall = (Map<String, Object>) body.get("overall");
        assertThat(overall).containsEntry("finished", 0).containsEntry("deploymentsPerDay", 0.0)
                .doesNotContainKeys("changeFailureRate", "leadTimeMedianSeconds");
        assertThat((List<Object>) body.get("weeks")).hasSize(1);
    }

    @Test
    void refusesABadDateAsAProblem() {
        http.get().uri("/api/insights/dora?application=svc-n&environment=dev&from=2020-13-01")
                .headers(h -> h.setBearerAuth(viewer)).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType("application/problem+json")
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("from")
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m).contains("YYYY-MM-DD"));
    }

    @Test
    void refusesAPeriodEndingBeforeItStarts() {
        http.get().uri("/api/insights/dora?application=svc-n&environment=dev&from=2020-06-14&to=2020-06-01")
                .headers(h -> h.setBearerAuth(viewer)).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("from")
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("must not be after to"));
    }

    @Test
    void refusesAnUnknownApplicationAndEnvironmentTogether() {
        http.get().uri("/api/insights/dora?application=nope&environment=nowhere")
                .headers(h -> h.setBearerAuth(viewer)).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType("application/problem+json")
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("application")
                .jsonPath("$.errors[1].field").isEqualTo("environment")
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("unknown application 'nope'"));
    }

    @Test
    void needsAToken() {
        http.get().uri("/api/insights/dora?application=svc-n&environment=dev").exchange()
                .expectStatus().isUnauthorized();
    }
}
