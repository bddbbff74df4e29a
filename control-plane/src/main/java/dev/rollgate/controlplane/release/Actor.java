package dev.rollgate.controlplane.release;

/** Who asked: a person in the console, an API token, GitHub, Slack, or Rollgate itself. */
public record Actor(Kind kind, String identity) {

    public enum Kind { CONSOLE, API, GITHUB, SLACK, SYSTEM }

    public static final Actor SYSTEM = new Actor(Kind.SYSTEM, "rollgate");

    public Actor {
        if (kind == null || identity == null || identity.isBlank()) {
            throw new IllegalArgumentException("actor needs a kind and an identity");
        }
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + identity;
    }
}
