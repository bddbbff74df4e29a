package dev.rollgate.videoapi.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.executor.MigrationExecutor;
import org.flywaydb.core.internal.info.MigrationInfoImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.rollgate.videoapi.TestDatabase;
import dev.rollgate.videoapi.VideoApiApplication;

/**
 * Runs the migrations the way the application does (its Flyway settings, on startup) against a
 * database of its own, so "applies to an empty database" is really tested from empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationTests {

    private String database;
    private ConfigurableApplicationContext context;
    private Flyway flyway;

    @BeforeAll
    void migrateAnEmptyDatabase() throws SQLException {
        database = TestDatabase.createThrowaway("videoapi_migrations");
        // Bounded: a non-transactional migration that waits on Flyway's own lock would hang forever.
        context = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> new SpringApplicationBuilder(VideoApiApplication.class)
                .web(WebApplicationType.NONE)
                .run("--spring.main.banner-mode=off", "--DB_HOST=" + TestDatabase.host(), "--DB_PORT=" + TestDatabase.port(),
                        "--DB_NAME=" + database));
        flyway = context.getBean(Flyway.class);
    }

    @AfterAll
    void dropDatabase() throws SQLException {
        if (context != null) {
            context.close();
        }
        TestDatabase.drop(database);
    }

    @Test
    void appliesEveryMigrationToAnEmptyDatabase() {
        MigrationInfo[] applied = flyway.info().applied();
        assertThat(applied).extracting(info -> info.getVersion().getVersion()).containsExactly("1", "2", "3", "4");
        assertThat(applied).allSatisfy(info -> assertThat(info.getState().isApplied()).isTrue());
        assertThat(flyway.info().pending()).isEmpty();
    }

    @Test
    void validatesAgainstTheAppliedHistory() {
        var result = flyway.validateWithResult();
        assertThat(result.validationSuccessful).as(String.valueOf(result.invalidMigrations)).isTrue();
        flyway.validate();
    }

    @Test
    void doesNothingWhenRunAgain() {
        assertThat(flyway.migrate().migrationsExecuted).isZero();
    }

    @Test
    void runsOnlyTheConcurrentIndexOutsideATransaction() {
        MigrationInfo[] all = flyway.info().all();
        assertThat(Arrays.stream(all).filter(info -> !executor(info).canExecuteInTransaction()))
                .extracting(info -> info.getVersion().getVersion())
                .containsExactly("4");
    }

    /** MigrationInfo hides how a migration will run; Flyway's implementation class exposes the resolved executor. */
    private static MigrationExecutor executor(MigrationInfo info) {
        return ((MigrationInfoImpl) info).getResolvedMigration().getExecutor();
    }

    @Test
    void buildsAValidPublishedAtIndex() throws SQLException {
        try (Connection c = TestDatabase.connect(database);
             ResultSet rs = c.createStatement().executeQuery("""
                     SELECT i.indisvalid, i.indisready
                     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                     WHERE c.relname = 'videos_published_at_idx'""")) {
            assertThat(rs.next()).as("index exists").isTrue();
            assertThat(rs.getBoolean("indisvalid")).isTrue();
            assertThat(rs.getBoolean("indisready")).isTrue();
        }
    }

    @Test
    void addsPublishedAtAsNullable() throws SQLException {
        try (Connection c = TestDatabase.connect(database);
             ResultSet rs = c.createStatement().executeQuery("""
                     SELECT is_nullable, data_type FROM information_schema.columns
                     WHERE table_name = 'videos' AND column_name = 'published_at'""")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("is_nullable")).isEqualTo("YES");
            assertThat(rs.getString("data_type")).isEqualTo("timestamp with time zone");
        }
    }

    @Test
    void seedsThreePlans() throws SQLException {
        try (Connection c = TestDatabase.connect(database);
             ResultSet rs = c.createStatement().executeQuery("SELECT code FROM subscription_plans ORDER BY monthly_price")) {
            List<String> codes = new ArrayList<>();
            while (rs.next()) {
                codes.add(rs.getString(1));
            }
            assertThat(codes).containsExactly("basic", "standard", "premium");
        }
    }
}
