package dev.rollgate.controlplane.security.console;

import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code rollgate.console.*}: who may use the console and as what. {@code roles} maps a role (viewer,
 * release-manager, admin) to identities: a GitHub login or OIDC subject ({@code sub}), {@code email:<address>}
 * (verified addresses only) or {@code group:<name>} (from {@code group-claim}). Nobody else gets in unless
 * {@code unknown-users} names a role. {@code users} are extra local accounts for form login; their passwords are
 * Spring Security encoded strings ({@code {bcrypt}...}; {@code {noop}...} only for tests).
 */
@ConfigurationProperties("rollgate.console")
public record ConsoleProperties(
        String adminPassword,
        Map<String, LocalUser> users,
        Map<String, List<String>> roles,
        @DefaultValue("refuse") String unknownUsers,
        @DefaultValue("groups") String groupClaim,
        @DefaultValue("production") List<String> confirmByName) {

    public ConsoleProperties {
        users = users == null ? Map.of() : Map.copyOf(users);
        roles = roles == null ? Map.of() : Map.copyOf(roles);
        confirmByName = confirmByName == null ? List.of() : List.copyOf(confirmByName);
    }

    public record LocalUser(String password, @DefaultValue("viewer") String role) {
        @Override
        public String toString() {
            return "LocalUser[role=" + role + ", password=***]";
        }
    }

    @Override
    public String toString() {
        return "ConsoleProperties[users=" + users.keySet() + ", roles=" + roles + ", unknownUsers=" + unknownUsers + "]";
    }
}
