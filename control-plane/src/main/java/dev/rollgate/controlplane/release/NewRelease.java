package dev.rollgate.controlplane.release;

import java.util.Map;

/** A request to release {@code version}; image, commit and config are optional. */
public record NewRelease(String application, String environment, String version, String image, String commitSha,
                         Map<String, String> config) {
    public NewRelease {
        config = config == null ? Map.of() : config;
    }
}
