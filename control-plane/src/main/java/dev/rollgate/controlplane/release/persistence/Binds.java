package dev.rollgate.controlplane.release.persistence;

import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

final class Binds {

    private Binds() {
    }

    static <T> GenericExecuteSpec nullable(GenericExecuteSpec spec, String name, T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }
}
