package dev.rollgate.controlplane.database;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;

/** Connection helpers shared by the parts that keep one PostgreSQL session of their own. */
public final class Connections {

    private Connections() {
    }

    /**
     * The driver's own factory under the pool: a session that holds a lock or LISTENs must not go back to the pool
     * (lock and all) nor be evicted from it.
     */
    public static ConnectionFactory unpooled(ConnectionFactory factory) {
        ConnectionFactory current = factory;
        while (current instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionFactory inner
                && inner != current) {
            current = inner;
        }
        return current;
    }
}
