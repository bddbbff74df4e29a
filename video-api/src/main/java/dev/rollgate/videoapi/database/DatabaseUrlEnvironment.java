package dev.rollgate.videoapi.database;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * On a cluster the database comes as one {@code DATABASE_URL} from Secret {@code db-credentials} (§3.5, what
 * Rollgate's Deployments and the chart pass); locally as {@code DB_HOST}, {@code DB_PORT}, … When it is set it
 * wins over them, for both R2DBC and Flyway.
 */
public class DatabaseUrlEnvironment implements EnvironmentPostProcessor {

    static final String SOURCE = "databaseUrl";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String value = environment.getProperty("DATABASE_URL");
        if (value == null || value.isBlank()) {
            return;
        }
        DatabaseUrl url = DatabaseUrl.parse(value);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.r2dbc.url", url.r2dbcUrl());
        properties.put("spring.flyway.url", url.jdbcUrl());
        if (url.user() != null) {
            properties.put("spring.r2dbc.username", url.user());
            properties.put("spring.flyway.user", url.user());
        }
        if (url.password() != null) {
            properties.put("spring.r2dbc.password", url.password());
            properties.put("spring.flyway.password", url.password());
        }
        environment.getPropertySources().addFirst(new MapPropertySource(SOURCE, properties));
    }
}
