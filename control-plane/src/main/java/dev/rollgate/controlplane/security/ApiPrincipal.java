package dev.rollgate.controlplane.security;

import dev.rollgate.controlplane.release.Actor;

/** The caller behind a request, as recorded in release events. */
public record ApiPrincipal(String name, Role role, Actor.Kind channel) {

    public Actor actor() {
        return new Actor(channel, name);
    }
}
