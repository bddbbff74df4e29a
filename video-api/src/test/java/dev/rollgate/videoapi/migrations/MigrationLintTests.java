package dev.rollgate.videoapi.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MigrationLintTests {

    // Surefire runs in the module directory; the migrations live beside it at the repository root.
    private static final Path MIGRATIONS = Path.of("..", "db", "video-api");

    @Test
    void findsNoViolationInTheVideoApiMigrations() throws IOException {
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            assertThat(files.filter(f -> f.toString().endsWith(".sql")).count()).as("migrations found").isGreaterThanOrEqualTo(4);
        }
        assertThat(MigrationLint.lintDirectory(MIGRATIONS)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "DROP TABLE videos;",
            "ALTER TABLE videos DROP COLUMN description;",
            "alter table videos drop description;",
            "ALTER TABLE videos ADD COLUMN x INT, DROP description;",
            "ALTER TABLE videos RENAME COLUMN title TO name;",
            "ALTER TABLE videos RENAME TO clips;",
            "ALTER TABLE videos ALTER COLUMN title TYPE TEXT;",
            "ALTER TABLE videos ALTER title SET DATA TYPE TEXT;",
            "ALTER TABLE videos ADD COLUMN rating INT NOT NULL;",
            "ALTER TABLE videos ADD rating INT NOT NULL, ADD tags TEXT;",
            "ALTER TABLE videos ALTER COLUMN published_at SET NOT NULL;",
            "CREATE INDEX videos_title_idx ON videos (title);",
            "CREATE UNIQUE INDEX videos_title_idx ON public.videos (title);"})
    void flagsStatementsThatBreakTheRunningVersion(String sql) {
        assertThat(MigrationLint.lint("V9__bad.sql", sql, false)).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ALTER TABLE videos ADD COLUMN rating INT;",
            "ALTER TABLE videos ADD COLUMN rating INT NOT NULL DEFAULT 0;",
            "ALTER TABLE videos ADD COLUMN price NUMERIC(10, 2), ADD COLUMN tags TEXT;",
            "ALTER TABLE videos ADD CONSTRAINT rating_positive CHECK (rating > 0) NOT VALID;",
            "CREATE TABLE clips (id BIGINT PRIMARY KEY, title TEXT NOT NULL); CREATE INDEX clips_title_idx ON clips (title);",
            "INSERT INTO subscription_plans (code) VALUES ('drop table; rename');",
            "-- DROP TABLE videos is what we must never do\nSELECT 1;"})
    void acceptsExpandOnlyStatements(String sql) {
        assertThat(MigrationLint.lint("V9__good.sql", sql, false)).isEmpty();
    }

    @Test
    void requiresConcurrentIndexesToRunOutsideATransaction() {
        String sql = "CREATE INDEX CONCURRENTLY IF NOT EXISTS videos_title_idx ON videos (title);";
        assertThat(MigrationLint.lint("V9__index.sql", sql, true)).isEmpty();
        assertThat(MigrationLint.lint("V9__index.sql", sql, false)).singleElement()
                .extracting(MigrationLint.Violation::rule).asString().contains("executeInTransaction=false");
    }

    @Test
    void keepsNonTransactionalMigrationsToConcurrentIndexes() {
        String sql = "ALTER TABLE videos ADD COLUMN rating INT; CREATE INDEX CONCURRENTLY r_idx ON videos (rating);";
        assertThat(MigrationLint.lint("V9__mixed.sql", sql, true)).singleElement()
                .extracting(MigrationLint.Violation::rule).asString().contains("only CREATE INDEX CONCURRENTLY");
    }
}
