package dev.rollgate.controlplane.intake.api;

import java.util.Map;
import java.util.UUID;

/** Request bodies of the REST API. */
final class Requests {

    private Requests() {
    }

    record CreateRelease(String application, String environment, String version, String image, String commitSha,
                         Map<String, String> config, String reason) {
    }

    record CommandBody(String reason) {
    }

    record RollbackTo(UUID toRelease, String reason) {
    }

    record CreateToken(String name, String role) {
    }
}
