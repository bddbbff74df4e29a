package dev.rollgate.controlplane.release;

import java.util.Locale;
import java.util.Optional;

/** A person's (or a gate's) request to change a release's course. */
public record Command(Type type, Actor actor, String reason) {

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
