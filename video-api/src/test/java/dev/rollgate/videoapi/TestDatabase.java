package dev.rollgate.videoapi;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The machine's PostgreSQL, located by the same variables the application reads, so CI can
 * point both at another server.
 */
public final class TestDatabase {

    public static final String NAME = "videoapi_test";

    private TestDatabase() {
    }

    public static String host() {
        return env("DB_HOST", "127.0.0.1");
    }

    public static String port() {
        return env("DB_PORT", "5432");
    }

    public static String user() {
        return env("DB_USER", "postgres");
    }

    public static String password() {
        return env("DB_PASSWORD", "");
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user(), password());
    }

    /** A database of its own for a test that needs an empty schema; drop it with {@link #drop}. */
    public static String createThrowaway(String prefix) throws SQLException {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    public static void drop(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            // FORCE: a test that failed half-way may still hold connections.
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
