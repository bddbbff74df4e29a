package dev.rollgate.controlplane.security.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.security.Role;

class RoleMapperTests {

    private static RoleMapper mapper(Map<String, List<String>> roles, String unknown) {
        return new RoleMapper(new ConsoleProperties(null, Map.of(), roles, unknown, "groups", List.of("production")));
    }

    private final RoleMapper mapper = mapper(Map.of(
            "viewer", List.of("group:staff"),
            "release-manager", List.of("group:deployers", "Octocat"),
            "admin", List.of("email:lead@example.com")), "viewer");

    @Test
    void givesTheHighestRoleAnyIdentityMatches() {
        assertThat(mapper.roleOf("dora", "lead@example.com", List.of("deployers"))).contains(Role.ADMIN);
        assertThat(mapper.roleOf("dora", "dora@example.com", List.of("staff", "deployers"))).contains(Role.RELEASE_MANAGER);
        assertThat(mapper.roleOf("dora", null, List.of("staff"))).contains(Role.VIEWER);
    }

    @Test
    void matchesLoginsWithoutCaseAndEmailsWithoutCase() {
        assertThat(mapper.roleOf("octocat", null, List.of())).contains(Role.RELEASE_MANAGER);
        assertThat(mapper.roleOf("x", "LEAD@example.com", List.of())).contains(Role.ADMIN);
    }

    @Test
    void doesNotTakeAGroupNameForALoginOrTheReverse() {
        assertThat(mapper(Map.of("admin", List.of("group:root")), "refuse").roleOf("root", null, List.of()))
                .isEmpty();
        assertThat(mapper(Map.of("admin", List.of("root")), "refuse").roleOf("someone", null, List.of("root")))
                .isEmpty();
    }

    @Test
    void givesUnknownPeopleTheConfiguredRoleOrRefusesThem() {
        assertThat(mapper.roleOf("stranger", null, List.of())).contains(Role.VIEWER);
        assertThat(mapper(Map.of(), "release-manager").roleOf("stranger", null, List.of()))
                .contains(Role.RELEASE_MANAGER);
        assertThat(mapper(Map.of(), "refuse").roleOf("stranger", null, List.of())).isEqualTo(Optional.empty());
    }

    @Test
    void stopsOnAMistypedConfiguration() {
        assertThatThrownBy(() -> mapper(Map.of("superuser", List.of("x")), "viewer"))
                .hasMessageContaining("unknown role 'superuser'");
        assertThatThrownBy(() -> mapper(Map.of(), "nobody")).hasMessageContaining("unknown-users");
    }
}
