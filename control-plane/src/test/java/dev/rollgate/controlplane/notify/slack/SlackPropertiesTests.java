package dev.rollgate.controlplane.notify.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.security.Role;

class SlackPropertiesTests {

    @Test
    void mapsRolesByIdOrAddressIgnoringCaseRefusesUnknownRolesAndHidesSecrets() {
        SlackProperties p = new SlackProperties("xoxb-secret", "signing-secret", "https://slack.com/api/", Map.of(),
                Map.of("U0ADMIN", "admin", "Bob@Example.com", "release-manager"), "viewer", Duration.ofSeconds(1), 5,
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60),
                org.springframework.util.unit.DataSize.ofKilobytes(64));
        assertThat(p.role("U0ADMIN", null)).isEqualTo(Role.ADMIN);
        assertThat(p.role("u0admin", null)).isEqualTo(Role.ADMIN);
        assertThat(p.role("U0BOB", "bob@example.COM")).isEqualTo(Role.RELEASE_MANAGER);
        assertThat(p.role("U0NOBODY", null)).isEqualTo(Role.VIEWER);
        assertThat(p.mapsEmails()).isTrue();
        assertThat(p.toString()).doesNotContain("xoxb-secret").doesNotContain("signing-secret");
        assertThatThrownBy(() -> new SlackProperties(null, null, "u", Map.of(), Map.of("U1", "boss"), "viewer",
                Duration.ofSeconds(1), 5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60),
                org.springframework.util.unit.DataSize.ofKilobytes(64)))
                .hasMessageContaining("rollgate.slack.users.u1 must be viewer, release-manager or admin");
    }
}
