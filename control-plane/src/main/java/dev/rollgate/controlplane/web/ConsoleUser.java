package dev.rollgate.controlplane.web;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.security.Role;

/** The signed-in person as the console sees them: a name for the audit trail and a role for the buttons. */
public record ConsoleUser(String name, Role role) {

    public static ConsoleUser of(Authentication authentication) {
        Role best = Role.VIEWER;
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            String name = authority.getAuthority();
            if (name != null && name.startsWith("ROLE_")) {
                for (Role role : Role.values()) {
                    if (role.name().equals(name.substring(5)) && role.ordinal() > best.ordinal()) {
                        best = role;
                    }
                }
            }
        }
        return new ConsoleUser(authentication.getName(), best);
    }

    public boolean canCommand() {
        return role.ordinal() >= Role.RELEASE_MANAGER.ordinal();
    }

    public boolean admin() {
        return role == Role.ADMIN;
    }

    public Actor actor() {
        return new Actor(Actor.Kind.CONSOLE, name);
    }
}
