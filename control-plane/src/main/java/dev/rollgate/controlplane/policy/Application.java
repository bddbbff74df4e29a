package dev.rollgate.controlplane.policy;

import java.util.List;

/** A service Rollgate releases. {@code repository} is the GitHub owner/name, or null. */
public record Application(String name, String repository, String image, List<String> smokePaths) {
    public Application {
        smokePaths = List.copyOf(smokePaths);
    }
}
