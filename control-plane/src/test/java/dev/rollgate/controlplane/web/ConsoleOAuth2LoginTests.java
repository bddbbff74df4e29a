package dev.rollgate.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseCookie;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.support.CleanDatabase;
import dev.rollgate.controlplane.support.ScriptedAdapters;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/** The whole OIDC authorization-code flow against a real OIDC provider (mock-oauth2-server), roles from a claim. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:5432/${OIDC_TEST_DB:rollgate_test_oidc}",
    "spring.flyway.url=jdbc:postgresql://127.0.0.1:5432/${OIDC_TEST_DB:rollgate_test_oidc}",
    "spring.security.oauth2.client.registration.corp.client-id=rollgate",
    "spring.security.oauth2.client.registration.corp.client-secret=rollgate-secret",
    "spring.security.oauth2.client.registration.corp.client-name=Corp SSO",
    "spring.security.oauth2.client.registration.corp.scope=openid,profile,email",
    "rollgate.console.roles.release-manager=group:deployers",
    "rollgate.console.roles.admin=email:root@example.com,boss"})
@ActiveProfiles("enginetest")
@AutoConfigureWebTestClient
@Import({ScriptedAdapters.class, CleanDatabase.class})
class ConsoleOAuth2LoginTests {

    static final MockOAuth2Server OIDC = started();

    static MockOAuth2Server started() {
        MockOAuth2Server server = new MockOAuth2Server();
        server.start();
        return server;
    }

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.client.provider.corp.issuer-uri", () -> OIDC.issuerUrl("corp").toString());
    }

    @AfterAll
    static void stop() {
        OIDC.shutdown();
    }

    @Autowired
    WebTestClient http;

    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** Runs the redirect dance a browser would; returns the session cookie and where Rollgate sent us at the end. */
    private String[] signIn(Map<String, Object> claims) throws Exception {
        OIDC.enqueueCallback(new DefaultOAuth2TokenCallback("corp", (String) claims.get("sub"), "JWT",
                List.of("rollgate"), claims, 3600));
        EntityExchangeResult<byte[]> start = http.get().uri("/oauth2/authorization/corp").exchange()
                .expectStatus().isFound().expectBody().returnResult();
        URI authorize = start.getResponseHeaders().getLocation();
        assertThat(authorize.toString()).startsWith(OIDC.issuerUrl("corp").toString());
        String session = start.getResponseCookies().getFirst("SESSION").getValue();

        HttpResponse<Void> provider = browser.send(HttpRequest.newBuilder(authorize).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        URI callback = URI.create(provider.headers().firstValue("Location").orElseThrow());
        assertThat(callback.getPath()).isEqualTo("/login/oauth2/code/corp");

        EntityExchangeResult<byte[]> done = http.get().uri(callback)
                .cookie("SESSION", session).exchange().expectStatus().isFound().expectBody().returnResult();
        List<ResponseCookie> renewed = done.getResponseCookies().getOrDefault("SESSION", List.of());
        return new String[] {renewed.isEmpty() ? session : renewed.get(renewed.size() - 1).getValue(),
                String.valueOf(done.getResponseHeaders().getLocation())};
    }

    @Test
    void signsInThroughTheProviderAndTakesTheRoleFromTheGroupClaim() throws Exception {
        String[] signedIn = signIn(Map.of("sub", "u-1", "preferred_username", "dora", "email", "dora@example.com",
                "email_verified", true, "groups", List.of("deployers", "staff")));
        assertThat(signedIn[1]).isEqualTo("/");

        var home = http.get().uri("/").cookie("SESSION", signedIn[0]).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult();
        // Like a browser: the session id is renewed after login and the newest cookie wins.
        ResponseCookie newer = home.getResponseCookies().getFirst("SESSION");
        signedIn[0] = newer == null ? signedIn[0] : newer.getValue();
        String page = home.getResponseBody();
        assertThat(page).contains("dora@example.com").contains("release-manager").contains("Start a release")
                .doesNotContain("API tokens");
        http.get().uri("/history").cookie("SESSION", signedIn[0]).exchange().expectStatus().isOk();
        http.get().uri("/tokens").cookie("SESSION", signedIn[0]).exchange().expectStatus().isForbidden();
    }

    @Test
    void makesAnAdminOfTheConfiguredEmailOnlyOnceTheProviderHasVerifiedIt() throws Exception {
        String[] unverified = signIn(Map.of("sub", "u-4", "preferred_username", "root", "email", "root@example.com",
                "email_verified", false, "groups", List.of("deployers")));
        http.get().uri("/tokens").cookie("SESSION", unverified[0]).exchange().expectStatus().isForbidden();

        String[] signedIn = signIn(Map.of("sub", "u-2", "preferred_username", "root", "email", "root@example.com",
                "email_verified", true));
        http.get().uri("/tokens").cookie("SESSION", signedIn[0]).exchange().expectStatus().isOk();
    }

    @Test
    void takesNoRoleFromAnEditablePreferredUsername() throws Exception {
        String[] refused = signIn(Map.of("sub", "u-5", "preferred_username", "boss", "groups", List.of("staff")));
        assertThat(refused[1]).isEqualTo("/login?denied");
        String[] bySubject = signIn(Map.of("sub", "boss", "preferred_username", "someone-else"));
        assertThat(bySubject[1]).isEqualTo("/");
    }

    @Test
    void refusesPeopleWithoutARoleByDefault() throws Exception {
        String[] refused = signIn(Map.of("sub", "u-3", "preferred_username", "mallory", "groups", List.of("staff")));
        assertThat(refused[1]).isEqualTo("/login?denied");
        http.get().uri("/").cookie("SESSION", refused[0]).exchange().expectStatus().isFound()
                .expectHeader().location("/login");
    }

    @Test
    void offersTheProviderInsteadOfAPasswordForm() {
        http.get().uri("/login").exchange().expectStatus().isOk().expectBody(String.class).value(body -> assertThat(body)
                .contains("Log in with Corp SSO").contains("/oauth2/authorization/corp").doesNotContain("password"));
    }
}
