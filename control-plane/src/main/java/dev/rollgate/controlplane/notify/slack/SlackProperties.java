package dev.rollgate.controlplane.notify.slack;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import dev.rollgate.controlplane.security.Role;

/**
 * Everything under {@code rollgate.slack}. An empty bot token switches notifications off; an empty signing secret
 * switches the interactivity endpoint off (503). Secrets stay out of {@link #toString()}, which ends up in logs
 * and failure analyses.
 *
 * @param apiUrl          Web API base, overridable so tests can talk to a fake Slack
 * @param channels        channel per environment; an environment without one is not posted
 * @param users           Slack user id or e-mail address → role id (viewer, release-manager, admin)
 * @param defaultRole     role of a Slack user not in {@code users}
 * @param timeout         per Web API call, connect included
 * @param attempts        calls per message before giving up (a 429's wait does not shorten the backoff)
 * @param backoff         first wait after a failure; doubled each time up to {@code maxBackoff}
 * @param maxRetryAfter   longest Retry-After honoured; a longer one gives up (the message would be stale anyway)
 * @param maxPayload      largest interactivity request accepted
 * @param responseUrlHosts hosts a click's {@code response_url} may point at (https only); anything else is never
 *                        called. An entry {@code http://<loopback host>} also allows plain http to that host, for
 *                        tests and local stand-ins; plain http to any other host is refused at startup.
 */
@ConfigurationProperties("rollgate.slack")
public record SlackProperties(
        String botToken,
        String signingSecret,
        @DefaultValue("https://slack.com/api/") String apiUrl,
        Map<String, String> channels,
        Map<String, String> users,
        @DefaultValue("viewer") String defaultRole,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("5") int attempts,
        @DefaultValue("1s") Duration backoff,
        @DefaultValue("30s") Duration maxBackoff,
        @DefaultValue("60s") Duration maxRetryAfter,
        @DefaultValue("64KB") DataSize maxPayload,
        @DefaultValue("hooks.slack.com") List<String> responseUrlHosts) {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final Pattern HOST = Pattern.compile("[a-z0-9.-]+|\\[[0-9a-f:.]+]");

    public SlackProperties {
        channels = channels == null ? Map.of() : new LinkedHashMap<>(channels);
        // Slack ids are upper case and e-mail addresses case-insensitive; environment-variable binding lower-cases
        // map keys, so lookups ignore case.
        Map<String, String> byKey = new LinkedHashMap<>();
        (users == null ? Map.<String, String>of() : users)
                .forEach((k, v) -> byKey.put(k.toLowerCase(Locale.ROOT), v));
        users = byKey;
        if (Role.parse(defaultRole).isEmpty()) {
            throw new IllegalArgumentException("rollgate.slack.default-role must be viewer, release-manager or admin,"
                    + " not '" + defaultRole + "'");
        }
        responseUrlHosts = (responseUrlHosts == null ? List.<String>of() : responseUrlHosts).stream()
                .map(SlackProperties::responseUrlOrigin).toList();
        users.forEach((k, v) -> {
            if (Role.parse(v).isEmpty()) {
                throw new IllegalArgumentException("rollgate.slack.users." + k
                        + " must be viewer, release-manager or admin, not '" + v + "'");
            }
        });
    }

    public boolean notifies() {
        return botToken != null && !botToken.isBlank();
    }

    public boolean interactive() {
        return signingSecret != null && !signingSecret.isBlank();
    }

    public Optional<String> channel(String environment) {
        return Optional.ofNullable(channels.get(environment)).filter(c -> !c.isBlank());
    }

    /** The role of a Slack user: by id first, then by e-mail address when one is known, else the default. */
    public Role role(String userId, String email) {
        String configured = userId == null ? null : users.get(userId.toLowerCase(Locale.ROOT));
        if (configured == null && email != null) {
            configured = users.get(email.toLowerCase(Locale.ROOT));
        }
        return Role.parse(configured == null ? defaultRole : configured).orElse(Role.VIEWER);
    }

    /**
     * Whether Rollgate may POST to this {@code response_url}: an absolute http(s) URL without user info whose
     * scheme and host are those of a {@code response-url-hosts} entry (a bare host name means https). Any port.
     */
    public boolean allowsResponseUrl(URI url) {
        return url != null && url.isAbsolute() && url.getScheme() != null && url.getHost() != null
                && url.getRawUserInfo() == null
                && responseUrlHosts.contains(url.getScheme().toLowerCase(Locale.ROOT) + "://"
                + url.getHost().toLowerCase(Locale.ROOT));
    }

    /** An entry as {@code scheme://host}: https unless it says http, which only a loopback host may. */
    private static String responseUrlOrigin(String entry) {
        String e = entry == null ? "" : entry.trim().toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        String scheme = "https";
        int sep = e.indexOf("://");
        if (sep >= 0) {
            scheme = e.substring(0, sep);
            e = e.substring(sep + 3);
        }
        if (!HOST.matcher(e).matches() || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("rollgate.slack.response-url-hosts entries are host names, optionally"
                    + " http(s)://host without port or path, not '" + entry + "'");
        }
        if (scheme.equals("http") && !LOOPBACK.contains(e)) {
            throw new IllegalArgumentException("rollgate.slack.response-url-hosts: plain http is allowed only for a"
                    + " loopback host (localhost, 127.0.0.1, [::1]), not '" + entry + "'");
        }
        return scheme + "://" + e;
    }

    /** Whether any mapping is by e-mail, i.e. whether looking a user's address up can change their role. */
    public boolean mapsEmails() {
        return users.keySet().stream().anyMatch(k -> k.contains("@"));
    }

    @Override
    public String toString() {
        return "SlackProperties[botToken=" + (notifies() ? "***" : "") + ", signingSecret="
                + (interactive() ? "***" : "") + ", apiUrl=" + apiUrl + ", channels=" + channels + ", users="
                + users + ", defaultRole=" + defaultRole + ", responseUrlHosts=" + responseUrlHosts + "]";
    }
}
