package dev.rollgate.controlplane.notify.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.security.Role;

class SlackPropertiesTests {

    @Test
    void mapsRolesByIdOrAddressIgnoringCaseRefusesUnknownRolesAndHidesSecrets() {
        SlackProperties p = new SlackProperties("xoxb-secret", "signing-secret", "https://slack.com/api/", Map.of(),
                Map.of("U0ADMIN", "admin", "Bob@Example.com", "release-manager"), "viewer", Duration.ofSeconds(1), 5,
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60),
                org.springframework.util.unit.DataSize.ofKilobytes(64), List.of("hooks.slack.com"));
        assertThat(p.role("U0ADMIN", null)).isEqualTo(Role.ADMIN);
        assertThat(p.role("u0admin", null)).isEqualTo(Role.ADMIN);
        assertThat(p.role("U0BOB", "bob@example.COM")).isEqualTo(Role.RELEASE_MANAGER);
        assertThat(p.role("U0NOBODY", null)).isEqualTo(Role.VIEWER);
        assertThat(p.mapsEmails()).isTrue();
        assertThat(p.toString()).doesNotContain("xoxb-secret").doesNotContain("signing-secret");
        assertThatThrownBy(() -> new SlackProperties(null, null, "u", Map.of(), Map.of("U1", "boss"), "viewer",
                Duration.ofSeconds(1), 5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60),
                org.springframework.util.unit.DataSize.ofKilobytes(64), List.of()))
                .hasMessageContaining("rollgate.slack.users.u1 must be viewer, release-manager or admin");
    }

    private static SlackProperties hosts(String... entries) {
        return new SlackProperties(null, "signing-secret", "https://slack.com/api/", Map.of(), Map.of(), "viewer",
                Duration.ofSeconds(1), 5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60),
                org.springframework.util.unit.DataSize.ofKilobytes(64), List.of(entries));
    }

    @Test
    void followsOnlyHttpsResponseUrlsOnTheListedHosts() {
        SlackProperties p = hosts("hooks.slack.com");
        assertThat(p.allowsResponseUrl(URI.create("https://hooks.slack.com/actions/T1/2/abc"))).isTrue();
        assertThat(p.allowsResponseUrl(URI.create("HTTPS://Hooks.Slack.com/actions/T1/2/abc"))).isTrue();
        for (String refused : List.of("http://hooks.slack.com/actions/T1/2/abc",
                "https://hooks.slack.com.evil.example/actions/T1/2/abc",
                "https://evil.example/hooks.slack.com/actions",
                "https://hooks.slack.com@evil.example/actions",
                "https://evil.example@hooks.slack.com/actions",
                "https://slack.com/actions", "/actions/T1/2/abc", "hooks.slack.com/actions",
                "ftp://hooks.slack.com/actions", "https://127.0.0.1/actions", "http://localhost/actions")) {
            assertThat(p.allowsResponseUrl(URI.create(refused))).as(refused).isFalse();
        }
        assertThat(p.allowsResponseUrl(null)).isFalse();
        assertThat(hosts().allowsResponseUrl(URI.create("https://hooks.slack.com/actions"))).isFalse();
    }

    @Test
    void allowsPlainHttpOnlyToAnExplicitlyListedLoopbackHost() {
        SlackProperties local = hosts("http://127.0.0.1", "https://hooks.slack.com/");
        assertThat(local.allowsResponseUrl(URI.create("http://127.0.0.1:4567/actions/T1/2/abc"))).isTrue();
        assertThat(local.allowsResponseUrl(URI.create("https://hooks.slack.com/actions"))).isTrue();
        assertThat(local.allowsResponseUrl(URI.create("http://localhost:4567/actions"))).isFalse();
        assertThat(local.allowsResponseUrl(URI.create("http://hooks.slack.com/actions"))).isFalse();
        assertThat(hosts("localhost").allowsResponseUrl(URI.create("http://localhost:4567/actions"))).isFalse();
        assertThat(hosts("http://[::1]").allowsResponseUrl(URI.create("http://[::1]:4567/actions"))).isTrue();

        assertThatThrownBy(() -> hosts("http://hooks.slack.com"))
                .hasMessageContaining("plain http is allowed only for a loopback host");
        for (String bad : List.of("hooks.slack.com/actions", "hooks.slack.com:443", "ftp://hooks.slack.com",
                "user@hooks.slack.com", "")) {
            assertThatThrownBy(() -> hosts(bad)).as(bad)
                    .hasMessageContaining("rollgate.slack.response-url-hosts entries are host names");
        }
        assertThat(hosts("hooks.slack.com").toString()).contains("responseUrlHosts=[https://hooks.slack.com]");
    }
}
