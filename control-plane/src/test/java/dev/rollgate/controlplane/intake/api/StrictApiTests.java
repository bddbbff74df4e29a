package dev.rollgate.controlplane.intake.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.release.AuditEntry;
import dev.rollgate.controlplane.release.persistence.AuditRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseQuery;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.ApiCalls;
import dev.rollgate.controlplane.support.EngineTest;

/** The API refuses what it cannot take honestly, says why in words, and audits the refusal. */
@EngineTest
@AutoConfigureWebTestClient
class StrictApiTests {

    private static final String ADMIN = "test-admin-token";

    @Autowired
    WebTestClient http;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    AuditRepository audit;

    private String token(String role) {
        return new ApiCalls(http).token(role);
    }

    private WebTestClient.ResponseSpec post(String token, String uri, Object body) {
        return new ApiCalls(http).post(token, uri, body);
    }

    private WebTestClient.BodyContentSpec refused(WebTestClient.ResponseSpec response, HttpStatus status) {
        return response.expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(status.value());
    }

    private long storedReleases() {
        return releases.search(new ReleaseQuery(null, null, null, 0, 1)).block().total();
    }

    private List<AuditEntry> stagingRefusals(String application) {
        return audit.search(new AuditRepository.Query(null, null, application, "staging", "REFUSED", null, null, null, 0,
                50)).block().items();
    }

    private static Map<String, Object> body(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void aVersionThatCannotBeALabelValueOrImageTagIsRefused() {
        String manager = token("release-manager");
        long before = storedReleases();
        for (String version : List.of("1.2.0-", "1.2.0+b7", "v".repeat(64))) {
            refused(post(manager, "/api/releases", body("application", "svc-s", "environment", "dev",
                    "version", version)), HttpStatus.BAD_REQUEST)
                    .jsonPath("$.errors[0].field").isEqualTo("version")
                    .jsonPath("$.errors[0].message").value(m -> assertThat((String) m).contains("ending with"));
        }
        assertThat(storedReleases()).isEqualTo(before);
    }

    @Test
    void aControlCharacterInAnyTextFieldIsRefusedNamingTheFieldAndTheRefusalIsAudited() {
        String manager = token("release-manager");
        long before = storedReleases();
        Map<String, Map<String, Object>> creates = Map.of(
                "reason", body("application", "svc-s", "environment", "staging", "version", "s-1", "reason", "a\u0000b"),
                "config.FLAG", body("application", "svc-s", "environment", "staging", "version", "s-1",
                        "config", Map.of("FLAG", "on\u0000")),
                "version", body("application", "svc-s", "environment", "staging", "version", "s\u00001"),
                "commitSha", body("application", "svc-s", "environment", "staging", "version", "s-1",
                        "commitSha", "abc1234\u0000"));
        creates.forEach((field, body) -> refused(post(manager, "/api/releases", body), HttpStatus.BAD_REQUEST)
                .jsonPath("$.errors[0].field").isEqualTo(field)
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m).contains("control character")));
        refused(post(manager, "/api/releases/" + UUID.randomUUID() + "/pause", Map.of("reason", "wait\u0000")),
                HttpStatus.BAD_REQUEST).jsonPath("$.errors[0].field").isEqualTo("reason");
        refused(post(manager, "/api/applications/svc-s/environments/staging/rollback",
                Map.of("toRelease", UUID.randomUUID().toString(), "reason", "\u0007bell")), HttpStatus.BAD_REQUEST)
                .jsonPath("$.errors[0].field").isEqualTo("reason");
        refused(post(ADMIN, "/api/tokens", Map.of("name", "ci\u0000", "role", "viewer")), HttpStatus.BAD_REQUEST)
                .jsonPath("$.errors[0].field").isEqualTo("name");

        assertThat(storedReleases()).isEqualTo(before);
        // Four refused starts and one refused fast-path rollback of svc-s; the NUL itself is written as an escape.
        List<AuditEntry> audited = stagingRefusals("svc-s");
        assertThat(audited).hasSize(5);
        assertThat(audited).anySatisfy(e -> assertThat(e.reason()).isEqualTo("a\\u0000b"));
        assertThat(audited).allSatisfy(e -> assertThat(e.reason() + e.detail()).doesNotContain("\u0000"));
    }

    @Test
    void tabsAndNewlinesInAReasonAreFine() {
        String manager = token("release-manager");
        refused(post(manager, "/api/releases/" + UUID.randomUUID() + "/pause", Map.of("reason", "line 1\n\tline 2")),
                HttpStatus.NOT_FOUND).jsonPath("$.detail").value(d -> assertThat((String) d).contains("does not exist"));
    }

    @Test
    void unknownFieldsAreRefusedByNameAndNothingStarts() {
        String manager = token("release-manager");
        long before = storedReleases();
        refused(post(manager, "/api/releases", body("application", "svc-s", "environment", "dev", "version", "s-2",
                "confg", Map.of("FLAG", "on"), "colour", "blue")), HttpStatus.BAD_REQUEST)
                .jsonPath("$.errors[*].field").value(f -> assertThat(f.toString()).contains("confg").contains("colour"))
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("confg").contains("colour")
                        .contains("unknown field"));
        refused(post(manager, "/api/releases/" + UUID.randomUUID() + "/pause", Map.of("reasn", "typo")),
                HttpStatus.BAD_REQUEST).jsonPath("$.errors[0].field").isEqualTo("reasn");
        assertThat(storedReleases()).isEqualTo(before);
    }

    @Test
    void aNumberWhereAStringIsExpectedIsRefusedNotCoerced() {
        String manager = token("release-manager");
        long before = storedReleases();
        refused(post(manager, "/api/releases", body("application", "svc-s", "environment", "dev", "version", 1.5)),
                HttpStatus.BAD_REQUEST)
                .jsonPath("$.errors[0].field").isEqualTo("version")
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m).contains("string").contains("number"));
        refused(post(manager, "/api/releases", body("application", "svc-s", "environment", "dev", "version", "s-3",
                "config", Map.of("REPLICAS", 3))), HttpStatus.BAD_REQUEST)
                .jsonPath("$.errors[0].field").isEqualTo("config.REPLICAS");
        refused(post(manager, "/api/releases/" + UUID.randomUUID() + "/pause", Map.of("reason", true)),
                HttpStatus.BAD_REQUEST).jsonPath("$.errors[0].field").isEqualTo("reason");
        refused(post(manager, "/api/applications/svc-s/environments/dev/rollback", Map.of("toRelease", 7)),
                HttpStatus.BAD_REQUEST).jsonPath("$.errors[0].field").isEqualTo("toRelease");
        assertThat(storedReleases()).isEqualTo(before);
    }

    @Test
    void everyErrorSaysWhatIsWrongInWords() {
        String manager = token("release-manager");
        String viewer = token("viewer");
        refused(http.post().uri("/api/releases").headers(h -> h.setBearerAuth(manager))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"version\": \"s-4\",\n  \"application\": }")
                .exchange(), HttpStatus.BAD_REQUEST)
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("line 2, column"));
        refused(post(manager, "/api/releases", body("application", "svc-s", "environment", "dev")),
                HttpStatus.BAD_REQUEST).jsonPath("$.detail").value(d -> assertThat((String) d)
                .contains("version is required"));
        refused(http.get().uri("/api/releases/not-a-uuid").headers(h -> h.setBearerAuth(manager)).exchange(),
                HttpStatus.BAD_REQUEST).jsonPath("$.errors[0].field").isEqualTo("id")
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("not-a-uuid").contains("UUID"));
        refused(http.get().uri("/api/releases?page=abc").headers(h -> h.setBearerAuth(manager)).exchange(),
                HttpStatus.BAD_REQUEST).jsonPath("$.errors[0].field").isEqualTo("page")
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("whole number"));
        refused(http.post().uri("/api/releases").headers(h -> h.setBearerAuth(manager))
                .contentType(MediaType.TEXT_PLAIN).bodyValue("version=1").exchange(), HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("application/json"));
        refused(post(manager, "/api/releases", body("application", "svc-s", "environment", "dev", "version", "s-5",
                "reason", "x".repeat(300_000))), HttpStatus.CONTENT_TOO_LARGE)
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("too large"));
        refused(http.get().uri("/api/nothing-here").headers(h -> h.setBearerAuth(manager)).exchange(),
                HttpStatus.NOT_FOUND).jsonPath("$.detail").value(d -> assertThat((String) d).contains("/api/nothing-here"));
        refused(http.delete().uri("/api/releases").headers(h -> h.setBearerAuth(manager)).exchange(),
                HttpStatus.METHOD_NOT_ALLOWED).jsonPath("$.detail").value(d -> assertThat((String) d).contains("GET"));
        refused(post(viewer, "/api/releases", body("application", "svc-s", "environment", "dev", "version", "s-6")),
                HttpStatus.FORBIDDEN).jsonPath("$.detail").value(d -> assertThat((String) d)
                .contains("release-manager").contains("viewer"));
        refused(http.get().uri("/api/tokens").headers(h -> h.setBearerAuth(manager)).exchange(), HttpStatus.FORBIDDEN)
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("admin"));
    }

    @Test
    void anUnknownApplicationOrEnvironmentListsTheKnownOnes() {
        String manager = token("release-manager");
        refused(post(manager, "/api/releases", body("application", "nope", "environment", "moon", "version", "n-1")),
                HttpStatus.BAD_REQUEST)
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m)
                        .contains("unknown application 'nope' (known: ").contains("svc-s"))
                .jsonPath("$.errors[1].message").value(m -> assertThat((String) m)
                        .contains("unknown environment 'moon' (known: ").contains("staging"));
        refused(post(manager, "/api/applications/svc-s/environments/moon/rollback",
                Map.of("toRelease", UUID.randomUUID().toString())), HttpStatus.NOT_FOUND)
                .jsonPath("$.detail").value(d -> assertThat((String) d)
                        .startsWith("unknown environment 'moon' (known: dev, staging, production, ").endsWith(")"));
    }
}
