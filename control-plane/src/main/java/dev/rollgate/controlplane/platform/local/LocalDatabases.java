package dev.rollgate.controlplane.platform.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Each environment's video-api gets its own database on the configured PostgreSQL, created when missing. */
@Component
class LocalDatabases {

    private static final Logger log = LoggerFactory.getLogger(LocalDatabases.class);
    private static final Pattern SAFE_NAME = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");

    private final LocalProperties.Database database;
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();

    LocalDatabases(LocalProperties properties) {
        this.database = properties.database();
    }

    String ensure(String environment) {
        String name = database.nameFor(environment);
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalStateException("database name '" + name + "' for environment " + environment
                    + " must match " + SAFE_NAME.pattern());
        }
        if (ensured.contains(name)) {
            return name;
        }
        Properties props = new Properties();
        props.setProperty("user", database.user());
        props.setProperty("password", database.password());
        String url = "jdbc:postgresql://" + database.host() + ":" + database.port() + "/postgres";
        try (Connection c = DriverManager.getConnection(url, props)) {
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            if (!exists) {
                try (Statement st = c.createStatement()) {
                    st.execute("create database " + name);
                    log.info("created database {} for environment {}", name, environment);
                } catch (SQLException e) {
                    // Two environments starting at once may race to create it; "already exists" is success.
                    if (!"42P04".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare database " + name + " on " + database.host() + ":"
                    + database.port() + ": " + e.getMessage(), e);
        }
        ensured.add(name);
        return name;
    }

    LocalProperties.Database settings() {
        return database;
    }
}
