package dev.rollgate.controlplane.release.persistence;

import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

/** History filter; null fields match everything. */
public record ReleaseQuery(String application, String environment, String state, java.time.Instant from,
                           java.time.Instant to, int page, int size) {

    public ReleaseQuery(String application, String environment, String state, int page, int size) {
        this(application, environment, state, null, null, page, size);
    }

    GenericExecuteSpec bind(GenericExecuteSpec spec) {
        if (application != null) {
            spec = spec.bind("application", application);
        }
        if (environment != null) {
            spec = spec.bind("environment", environment);
        }
        if (state != null) {
            spec = spec.bind("state", state);
        }
        if (from != null) {
            spec = spec.bind("from", from);
        }
        if (to != null) {
            spec = spec.bind("to", to);
        }
        return spec;
    }
}
