package dev.rollgate.videoapi.health;

import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

    /** One second: well inside a typical readiness-probe timeout, so the probe reports DOWN instead of timing out. */
    static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(1);

    /** The bean name gives the component its name, "database", in the readiness group. */
    @Bean
    DatabaseHealthIndicator databaseHealthIndicator(DatabaseClient databaseClient) {
        return new DatabaseHealthIndicator(databaseClient, DATABASE_TIMEOUT);
    }
}
