package dev.rollgate.controlplane.security;

import java.time.Instant;
import java.util.UUID;

/** A stored API token: only the SHA-256 of its secret is kept. */
public record ApiToken(UUID id, String name, Role role, String createdBy, Instant createdAt, Instant revokedAt) {
}
