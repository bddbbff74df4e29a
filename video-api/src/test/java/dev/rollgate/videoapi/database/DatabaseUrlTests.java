package dev.rollgate.videoapi.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DatabaseUrlTests {

    @Test
    void readsTheSpecsDatabaseUrlIntoJdbcAndR2dbcSettings() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://video:s3cr%40t+x@db.internal:6432/video_platform?sslmode=require");

        assertThat(url.user()).isEqualTo("video");
        assertThat(url.password()).isEqualTo("s3cr@t+x");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/video_platform?sslmode=require");
        assertThat(url.r2dbcUrl()).isEqualTo("r2dbc:postgresql://db.internal:6432/video_platform?sslMode=require");
        assertThat(url.toString()).doesNotContain("s3cr");
    }

    @Test
    void defaultsThePortAndAcceptsTheJdbcAndPostgresSpellings() {
        assertThat(DatabaseUrl.parse("postgres://10.0.0.3/app").jdbcUrl()).isEqualTo("jdbc:postgresql://10.0.0.3:5432/app");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h:5433/app").r2dbcUrl()).isEqualTo("r2dbc:postgresql://h:5433/app");
        assertThat(DatabaseUrl.parse("postgres://10.0.0.3/app").user()).isNull();
    }

    @Test
    void refusesAUrlItCannotUseWithoutShowingThePassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:hunter2@h/app"))
                .hasMessageContaining("postgresql://").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:hunter2@h/"))
                .hasMessageContaining("one database").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> DatabaseUrl.parse(" ")).hasMessageContaining("empty");
        // Generated passwords are often not URL-encoded: '/' and '@' inside must not leak either.
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:ab/cd@db/x"))
                .hasMessageNotContaining("ab/cd").hasMessageNotContaining("cd@");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:p@ss:w0rd@/x"))
                .hasMessageNotContaining("ss:w0rd").hasMessageNotContaining("p@ss");
    }

    @Test
    void aDatabaseUrlWinsOverTheSeparateVariablesForBothDrivers() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                "DATABASE_URL", "postgresql://video:pw@db:5432/video_platform",
                "spring.r2dbc.url", "r2dbc:postgresql://localhost:5432/videoapi")));

        new DatabaseUrlEnvironment().postProcessEnvironment(env, new SpringApplication());

        assertThat(env.getProperty("spring.r2dbc.url")).isEqualTo("r2dbc:postgresql://db:5432/video_platform");
        assertThat(env.getProperty("spring.flyway.url")).isEqualTo("jdbc:postgresql://db:5432/video_platform");
        assertThat(env.getProperty("spring.r2dbc.username")).isEqualTo("video");
        assertThat(env.getProperty("spring.flyway.password")).isEqualTo("pw");
    }

    @Test
    void withoutADatabaseUrlTheSeparateVariablesStay() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                "spring.r2dbc.url", "r2dbc:postgresql://localhost:5432/videoapi")));

        new DatabaseUrlEnvironment().postProcessEnvironment(env, new SpringApplication());

        assertThat(env.getProperty("spring.r2dbc.url")).isEqualTo("r2dbc:postgresql://localhost:5432/videoapi");
        assertThat(env.getPropertySources().contains(DatabaseUrlEnvironment.SOURCE)).isFalse();
    }
}
