package dev.rollgate.controlplane.notify.github;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code rollgate.github.*}. Secrets stay out of {@link #toString()} so a logged configuration never leaks them.
 * An empty webhook secret switches the webhook off (503); an empty token switches deployment statuses off.
 */
@ConfigurationProperties("rollgate.github")
public record GitHubProperties(
        String webhookSecret,
        String token,
        @DefaultValue("https://api.github.com") String apiUrl,
        @DefaultValue("production") String releaseEnvironment,
        @DefaultValue("5MB") org.springframework.util.unit.DataSize maxBody,
        @DefaultValue("30d") Duration deliveryRetention,
        @DefaultValue("30s") Duration queueSweepInterval,
        @DefaultValue("1s") Duration retryBackoff,
        @DefaultValue("4") int retries) {

    public boolean webhookConfigured() {
        return webhookSecret != null && !webhookSecret.isBlank();
    }

    @Override
    public String toString() {
        return "GitHubProperties[webhookSecret=" + (webhookConfigured() ? "***" : "") + ", token="
                + (token == null || token.isBlank() ? "" : "***") + ", apiUrl=" + apiUrl + ", releaseEnvironment="
                + releaseEnvironment + "]";
    }
}
