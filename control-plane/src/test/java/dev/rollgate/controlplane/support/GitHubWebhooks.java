package dev.rollgate.controlplane.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.intake.github.WebhookSignature;

/** Real-format webhook payloads from src/test/resources/github, signed the way GitHub signs them. */
public final class GitHubWebhooks {

    public static final String SECRET = "gh-test-secret";
    public static final String FIXTURE_REPOSITORY = "rollgate-demo/video-platform";

    private GitHubWebhooks() {
    }

    public static String fixture(String name) {
        try (InputStream in = GitHubWebhooks.class.getResourceAsStream("/github/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixture as if it came from {@code repository} (e.g. acme/gh-a). */
    public static String fixture(String name, String repository) {
        return fixture(name).replace(FIXTURE_REPOSITORY, repository);
    }

    public static String delivery() {
        return UUID.randomUUID().toString();
    }

    public static WebTestClient.ResponseSpec deliver(WebTestClient http, String event, String delivery, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return http.post().uri("/webhooks/github").contentType(MediaType.APPLICATION_JSON)
                .header("X-GitHub-Event", event).header("X-GitHub-Delivery", delivery)
                .header("X-GitHub-Hook-ID", "109948940")
                .header("User-Agent", "GitHub-Hookshot/044aadd")
                .header("X-Hub-Signature-256", WebhookSignature.sign(SECRET, bytes))
                .bodyValue(bytes).exchange();
    }
}
