package dev.rollgate.controlplane.insights;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.support.ConsoleSession;
import dev.rollgate.controlplane.support.ConsoleTest;

/** The console's delivery figures page, as a viewer sees it. */
@ConsoleTest
class InsightsPageTests {

    private static final String TARGET = "/insights?application=web-h&environment=qa";

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;

    private ConsoleSession viewer;

    @BeforeEach
    void login() {
        viewer = ConsoleSession.login(http, "viola", "viewer-secret-1");
    }

    @Test
    void showsTheFourFiguresAndTheWeeksForTheCharts() {
        new SeededHistory(db, "web-h", "qa").twoWeeks();

        String page = viewer.get(TARGET + "&from=2020-06-01&to=2020-06-14");

        // 3 successes in 14 days; lead times 20m, 1h, 1h30m; 2 of 5 failed; restores 2m (rollback) and 1h
        assertThat(page).contains("id=\"deployment-frequency\"").contains("<span>0.21</span> a day")
                .contains("median <span>1h 00m</span>").contains("p90 <span>1h 30m</span>")
                .contains(">40.0%<").contains("median <span>2m 00s</span>")
                .contains("/js/insights.js").doesNotContain("id=\"no-data\"");
        // the weeks of 1 and 8 June 2020 (epoch seconds), the second without deployments
        assertThat(page).contains("data-weeks=\"[{&quot;t&quot;:1590969600,&quot;deployments&quot;:3")
                .contains("{&quot;t&quot;:1591574400,&quot;deployments&quot;:0");
    }

    @Test
    void saysSoWhenThePeriodHasNoRelease() {
        String page = viewer.get(TARGET + "&from=2019-01-07&to=2019-01-13");

        assertThat(page).contains("id=\"no-data\"").contains("nothing to measure")
                .doesNotContain("id=\"deployment-frequency\"").doesNotContain("id=\"dora-charts\"");
    }

    @Test
    void explainsAPeriodThatEndsBeforeItStarts() {
        String page = viewer.get(TARGET + "&from=2020-06-14&to=2020-06-01");

        assertThat(page).contains("class=\"error\"").contains("must not be after to")
                .doesNotContain("id=\"deployment-frequency\"");
    }

    @Test
    void sendsAnonymousVisitorsToTheLoginPage() {
        http.get().uri(TARGET).exchange().expectStatus().isFound().expectHeader().location("/login");
    }

    @Test
    void isLinkedFromTheNavigation() {
        assertThat(viewer.get("/history")).contains("href=\"/insights\"");
    }
}
