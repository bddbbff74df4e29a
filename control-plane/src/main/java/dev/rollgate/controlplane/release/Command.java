package dev.rollgate.controlplane.release;

import java.util.Locale;
import java.util.Optional;

/**
 * A person's (or a gate's) request to change a release's course. {@code admin}: the channel vouches that the
 * actor holds the admin role (needed to abandon a rollback in progress).
 */
public record Command(Type type, Actor actor, String reason, boolean admin) {

    public Command(Type type, Actor actor, String reason) {
        this(type, actor, reason, false);
    }

    public enum Type {
        PROMOTE, PAUSE, RESUME, ROLLBACK, ABORT;

        public static Optional<Type> parse(String value) {
            for (Type t : values()) {
                if (t.name().equals(value == null ? null : value.toUpperCase(Locale.ROOT))) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }
}
