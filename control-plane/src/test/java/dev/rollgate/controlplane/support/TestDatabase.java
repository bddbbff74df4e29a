package dev.rollgate.controlplane.support;

import java.sql.DriverManager;
import java.sql.SQLException;

import org.flywaydb.core.Flyway;
import org.springframework.r2dbc.core.DatabaseClient;

import io.r2dbc.spi.ConnectionFactories;

/**
 * A test database of a class's own on the local PostgreSQL, created when missing (so a new test class needs no
 * change to the CI script) and migrated from an empty schema.
 */
public final class TestDatabase {

    private static final String SERVER = "127.0.0.1:5432";

    private TestDatabase() {
    }

    /** The database named by {@code variable} in the environment, or {@code fallback}: created, emptied, migrated. */
    public static String fresh(String variable, String fallback) {
        String name = System.getenv().getOrDefault(variable, fallback);
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (var admin = DriverManager.getConnection("jdbc:postgresql://" + SERVER + "/postgres", "postgres", "");
             var exists = admin.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, name);
            if (!exists.executeQuery().next()) {
                admin.createStatement().execute("create database " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach or create test database " + name, e);
        }
        Flyway flyway = Flyway.configure().dataSource("jdbc:postgresql://" + SERVER + "/" + name, "postgres", "")
                .cleanDisabled(false).load();
        flyway.clean();
        flyway.migrate();
        return name;
    }

    public static DatabaseClient client(String name) {
        return DatabaseClient.create(ConnectionFactories.get("r2dbc:postgresql://postgres@" + SERVER + "/" + name));
    }
}
