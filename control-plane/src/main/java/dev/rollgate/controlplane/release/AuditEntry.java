package dev.rollgate.controlplane.release;

import java.time.Instant;
import java.util.UUID;

/**
 * One line of the audit log: who ({@code actor}) asked for what ({@code action}), with which {@code outcome}
 * (accepted, replayed, refused) and from where. Release fields are null for actions outside a release (tokens).
 */
public record AuditEntry(long id, Instant at, Actor actor, String action, Outcome outcome, String application,
                         String environment, UUID releaseId, String reason, String detail, String address) {

    public enum Outcome { ACCEPTED, REPLAYED, REFUSED }
}
