package dev.rollgate.controlplane.support;

import java.util.Map;
import java.util.UUID;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Test helper: API calls as a caller with a role, through the engine tests' bootstrap admin token. */
public record ApiCalls(WebTestClient http) {

    public static final String ADMIN = "test-admin-token";

    /** A fresh token of {@code role}, under a unique name. */
    public String token(String role) {
        Map<String, Object> created = http.post().uri("/api/tokens").headers(h -> h.setBearerAuth(ADMIN))
                .bodyValue(Map.of("name", role + "-" + UUID.randomUUID().toString().substring(0, 6), "role", role))
                .exchange().expectStatus().isCreated()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { }).returnResult().getResponseBody();
        return (String) created.get("token");
    }

    public WebTestClient.ResponseSpec post(String token, String uri, Object body) {
        return http.post().uri(uri).headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange();
    }
}
