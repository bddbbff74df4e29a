package dev.rollgate.controlplane.security;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** viewer reads; release-manager also commands releases; admin also manages tokens. */
public enum Role {
    VIEWER, RELEASE_MANAGER, ADMIN;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Role> parse(String value) {
        for (Role role : values()) {
            if (role.id().equals(value) || role.name().equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /** Each role also holds the authorities of the roles below it. */
    public List<GrantedAuthority> authorities() {
        return java.util.Arrays.stream(values()).filter(r -> r.ordinal() <= ordinal())
                .map(r -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + r.name())).toList();
    }
}
