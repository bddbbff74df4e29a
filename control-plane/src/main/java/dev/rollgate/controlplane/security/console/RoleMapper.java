package dev.rollgate.controlplane.security.console;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.rollgate.controlplane.security.Role;

/**
 * Assigns a console role to a person signed in through an identity provider. The highest matching role wins;
 * nobody matched gets {@code unknown-users} (a role, or {@code refuse}).
 */
public final class RoleMapper {

    private final Map<String, List<String>> roles;
    private final String unknownUsers;

    public RoleMapper(ConsoleProperties properties) {
        this.roles = properties.roles();
        this.unknownUsers = properties.unknownUsers();
        if (!"refuse".equals(unknownUsers) && Role.parse(unknownUsers).isEmpty()) {
            throw new IllegalStateException("rollgate.console.unknown-users must be viewer, release-manager, admin or "
                    + "refuse, not '" + unknownUsers + "'");
        }
        roles.keySet().forEach(role -> Role.parse(role).orElseThrow(() -> new IllegalStateException(
                "rollgate.console.roles: unknown role '" + role + "'; use viewer, release-manager or admin")));
    }

    /** Empty means: refuse this person. */
    public Optional<Role> roleOf(String login, String email, Collection<String> groups) {
        Role best = null;
        for (Map.Entry<String, List<String>> entry : roles.entrySet()) {
            Role role = Role.parse(entry.getKey()).orElseThrow();
            if ((best == null || role.ordinal() > best.ordinal()) && matches(entry.getValue(), login, email, groups)) {
                best = role;
            }
        }
        if (best != null) {
            return Optional.of(best);
        }
        return "refuse".equals(unknownUsers) ? Optional.empty() : Role.parse(unknownUsers);
    }

    private static boolean matches(List<String> identities, String login, String email, Collection<String> groups) {
        for (String identity : identities) {
            if (identity.startsWith("email:")) {
                if (email != null && identity.substring(6).equalsIgnoreCase(email)) {
                    return true;
                }
            } else if (identity.startsWith("group:")) {
                if (groups.contains(identity.substring(6))) {
                    return true;
                }
            } else if (login != null && identity.toLowerCase(Locale.ROOT).equals(login.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }
}
