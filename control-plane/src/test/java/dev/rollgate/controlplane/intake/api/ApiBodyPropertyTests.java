package dev.rollgate.controlplane.intake.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestContextManager;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.release.persistence.AuditRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseQuery;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.EngineTest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Generated bodies (wrong types, unknown fields, huge strings, control and bidi characters, deep nesting, not JSON
 * at all) thrown at every JSON endpoint: never a 5xx, every refusal a problem detail, nothing stored when refused.
 */
@EngineTest
@AutoConfigureWebTestClient
class ApiBodyPropertyTests {

    private static final String ADMIN = "test-admin-token";
    private static final List<String> CREATE_FIELDS = List.of("application", "environment", "version", "image",
            "commitSha", "config", "reason");

    @Autowired
    WebTestClient http;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    AuditRepository audit;

    @BeforeProperty
    void joinTheSharedSpringContext() throws Exception {
        // jqwik is not a JUnit Jupiter extension host: inject from the same cached context the other API tests use.
        new TestContextManager(getClass()).prepareTestInstance(this);
    }

    @Property(tries = 60)
    void startingAReleaseNeverFailsOnItsBody(@ForAll("createBodies") String body) {
        exchange("/api/releases", body);
    }

    @Property(tries = 40)
    void aCommandNeverFailsOnItsBody(@ForAll("commandBodies") String body,
                                     @ForAll("commands") String command) {
        exchange("/api/releases/0b6f3c1e-2d4a-4c1e-9b7a-1d2e3f4a5b6c/" + command, body);
    }

    @Property(tries = 40)
    void aFastPathRollbackNeverFailsOnItsBody(@ForAll("rollbackBodies") String body) {
        exchange("/api/applications/svc-y/environments/dev/rollback", body);
    }

    @Property(tries = 40)
    void creatingATokenNeverFailsOnItsBody(@ForAll("tokenBodies") String body) {
        exchange("/api/tokens", body);
    }

    private void exchange(String uri, String body) {
        long before = stored();
        long refusalsBefore = refusals();
        EntityExchangeResult<byte[]> result = http.post().uri(uri).headers(h -> h.setBearerAuth(ADMIN))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectBody().returnResult();
        int status = result.getStatus().value();
        String shown = body.length() > 200 ? body.substring(0, 200) + "…" : body;
        assertThat(status).as("status for %s", shown).isLessThan(500);
        if (status >= 400) {
            assertThat(result.getResponseHeaders().getContentType()).as("content type for %s", shown)
                    .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(stored()).as("releases stored after refusing %s", shown).isEqualTo(before);
            // A refusal is audited after its answer is sent, so the record may land a moment later.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(refusals()).as("audited refusals after refusing %s", shown).isGreaterThan(refusalsBefore));
        }
    }

    private long stored() {
        return releases.search(new ReleaseQuery(null, null, null, 0, 1)).block().total();
    }

    private long refusals() {
        return audit.search(new AuditRepository.Query(null, null, null, null, "REFUSED", null, null, null, 0, 1))
                .block().total();
    }

    @Provide
    Arbitrary<String> createBodies() {
        return bodies(CREATE_FIELDS, Map.of("application", "\"svc-y\"", "environment", "\"dev\"",
                "version", "\"y-1.0.0\""));
    }

    @Provide
    Arbitrary<String> commandBodies() {
        return bodies(List.of("reason"), Map.of("reason", "\"checking\""));
    }

    @Provide
    Arbitrary<String> rollbackBodies() {
        return bodies(List.of("toRelease", "reason"), Map.of("toRelease",
                "\"0b6f3c1e-2d4a-4c1e-9b7a-1d2e3f4a5b6c\"", "reason", "\"back\""));
    }

    @Provide
    Arbitrary<String> tokenBodies() {
        return bodies(List.of("name", "role"), Map.of("name", "\"generated\"", "role", "\"viewer\""));
    }

    @Provide
    Arbitrary<String> commands() {
        return Arbitraries.of("promote", "pause", "resume", "rollback", "abort");
    }

    /** Mostly a valid body with one to three fields changed or added, so refusals deep in the engine are reached. */
    private static Arbitrary<String> bodies(List<String> known, Map<String, String> valid) {
        Arbitrary<String> names = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of(known)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("confg", "extra", "__proto__", "", "Version")),
                net.jqwik.api.Tuple.of(1, text().map(s -> s.substring(1, s.length() - 1))));
        Arbitrary<String> objects = Arbitraries.maps(names, value(2)).ofMaxSize(7).map(ApiBodyPropertyTests::object);
        Arbitrary<String> mutated = Arbitraries.maps(names, value(2)).ofMinSize(1).ofMaxSize(3).map(changes -> {
            Map<String, String> body = new java.util.LinkedHashMap<>(valid);
            body.putAll(changes);
            return object(body);
        });
        Arbitrary<String> notJson = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30),
                Arbitraries.of("{", "{\"version\":", "{\"a\":1}}", "{\"version\":\"v\",\"version\":\"w\"}", "[]",
                        "null", "\"text\"", "{\"config\":{\"A\":\"b\"}"));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, mutated), net.jqwik.api.Tuple.of(2, objects), net.jqwik.api.Tuple.of(1, notJson),
                net.jqwik.api.Tuple.of(1, deepNesting()));
    }

    private static Arbitrary<String> value(int depth) {
        Arbitrary<String> scalars = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, text()),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("\"svc-y\"", "\"dev\"", "\"moon\"", "\"y-1.0.0\"",
                        "\"abc1234\"", "\"viewer\"", "\"admin\"", "\"0b6f3c1e-2d4a-4c1e-9b7a-1d2e3f4a5b6c\"")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("1.5", "-3", "0", "1e400", "123456789012345678901234567890",
                        "true", "false", "null")),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(2_000, 300_000)
                        .map(n -> "\"" + "x".repeat(n) + "\"")));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<String> arrays = value(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> configs = Arbitraries.maps(Arbitraries.of("FLAG", "lower", "A_B", "\u0000", "X"),
                value(depth - 1)).ofMaxSize(4).map(ApiBodyPropertyTests::object);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, scalars), net.jqwik.api.Tuple.of(1, arrays),
                net.jqwik.api.Tuple.of(2, configs));
    }

    /** JSON string literals holding control characters, bidi overrides, lone surrogates and ordinary text. */
    private static Arbitrary<String> text() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.strings().withChars('\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u202e', '\u2066',
                        '\u200f', '\t', '\n', '\r', '\ud800', '\udc00', 'a', 'Z', '1', '-', '.', ' ').ofMaxLength(20))
                .map(ApiBodyPropertyTests::quote);
    }

    private static Arbitrary<String> deepNesting() {
        return Arbitraries.integers().between(100, 5_000).map(n -> "{\"reason\":" + "[".repeat(n) + "]".repeat(n)
                + "}");
    }

    private static String object(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> quote(e.getKey()) + ":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) || c == '\u007f') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
