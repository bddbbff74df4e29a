package dev.rollgate.videoapi.migrations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Zero-downtime rules for Flyway SQL, checked with regular expressions over statements. Not a SQL
 * parser: string literals and comments are blanked out first, but dollar-quoted bodies (functions,
 * DO blocks) are not understood. The rules follow the expand/contract discipline: while a
 * migration runs, the previous version of the application is still serving from the same schema.
 */
final class MigrationLint {

    record Violation(String file, String statement, String rule) {
        @Override
        public String toString() {
            return file + ": " + rule + " — " + statement;
        }
    }

    private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern LINE_COMMENT = Pattern.compile("--[^\\n]*");
    private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^']|'')*'");

    private static final Pattern DROP_OBJECT = Pattern.compile("\\bDROP\\s+(TABLE|COLUMN|SCHEMA|VIEW|MATERIALIZED\\s+VIEW)\\b");
    // ALTER TABLE t DROP c: PostgreSQL lets COLUMN be left out.
    private static final Pattern DROP_BARE_COLUMN = Pattern.compile(
            "^ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?\\S+\\s+(?:.*,\\s*)?DROP\\s+(?!CONSTRAINT\\b|COLUMN\\b)\\w+");
    private static final Pattern RENAME = Pattern.compile("\\bRENAME\\b");
    private static final Pattern TYPE_CHANGE = Pattern.compile(
            "\\bALTER\\s+(?:COLUMN\\s+)?\\S+\\s+(?:SET\\s+DATA\\s+)?TYPE\\b");
    private static final Pattern SET_NOT_NULL = Pattern.compile("\\bSET\\s+NOT\\s+NULL\\b");
    private static final Pattern ALTER_TABLE = Pattern.compile("^ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?(\\S+)\\s+(.*)$");
    private static final Pattern ADD_COLUMN = Pattern.compile("^ADD\\s+(?!CONSTRAINT\\b|PRIMARY\\b|UNIQUE\\b|CHECK\\b|FOREIGN\\b)");
    private static final Pattern CREATE_TABLE = Pattern.compile(
            "^CREATE\\s+(?:UNLOGGED\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\S+?)\\s*\\(");
    private static final Pattern CREATE_INDEX = Pattern.compile(
            "^CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?.*?\\bON\\s+(?:ONLY\\s+)?(\\S+?)(?:\\s|\\()");

    private MigrationLint() {
    }

    static List<Violation> lintDirectory(Path directory) throws IOException {
        List<Violation> violations = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".sql")).sorted().toList()) {
                Path conf = file.resolveSibling(file.getFileName() + ".conf");
                boolean nonTransactional = Files.exists(conf)
                        && Files.readString(conf).lines().map(String::strip)
                                .anyMatch(line -> line.replace(" ", "").equalsIgnoreCase("executeInTransaction=false"));
                violations.addAll(lint(file.getFileName().toString(), Files.readString(file), nonTransactional));
            }
        }
        return violations;
    }

    static List<Violation> lint(String file, String sql, boolean nonTransactional) {
        List<Violation> violations = new ArrayList<>();
        List<String> statements = statements(sql);
        Set<String> createdHere = new HashSet<>();
        for (String statement : statements) {
            Matcher table = CREATE_TABLE.matcher(statement);
            if (table.find()) {
                createdHere.add(unqualified(table.group(1)));
            }
        }
        for (String statement : statements) {
            check(file, statement, createdHere, nonTransactional, violations);
        }
        return violations;
    }

    private static void check(String file, String statement, Set<String> createdHere, boolean nonTransactional,
                              List<Violation> out) {
        if (DROP_OBJECT.matcher(statement).find() || DROP_BARE_COLUMN.matcher(statement).find()) {
            out.add(new Violation(file, statement, "drops something the running version may still use"));
        }
        if (RENAME.matcher(statement).find()) {
            out.add(new Violation(file, statement, "renames: the running version still uses the old name"));
        }
        if (statement.startsWith("ALTER TABLE") && TYPE_CHANGE.matcher(statement).find()) {
            out.add(new Violation(file, statement, "changes a column type: rewrites the table under an exclusive lock"));
        }
        if (SET_NOT_NULL.matcher(statement).find()) {
            out.add(new Violation(file, statement, "SET NOT NULL: the running version may still write nulls"));
        }
        Matcher alter = ALTER_TABLE.matcher(statement);
        if (alter.find()) {
            for (String action : topLevelParts(alter.group(2))) {
                if (ADD_COLUMN.matcher(action).find() && action.contains("NOT NULL") && !action.contains("DEFAULT")) {
                    out.add(new Violation(file, statement,
                            "adds a NOT NULL column without DEFAULT: the running version's inserts would fail"));
                }
            }
        }
        Matcher index = CREATE_INDEX.matcher(statement);
        boolean isIndex = index.find();
        boolean concurrently = isIndex && index.group(1) != null;
        if (isIndex && !concurrently && !createdHere.contains(unqualified(index.group(2)))) {
            out.add(new Violation(file, statement,
                    "CREATE INDEX without CONCURRENTLY on an existing table blocks writes while it builds"));
        }
        if (concurrently && !nonTransactional) {
            out.add(new Violation(file, statement,
                    "CREATE INDEX CONCURRENTLY needs a .conf with executeInTransaction=false"));
        }
        // Outside a transaction a failure leaves earlier statements applied: keep such migrations to the index alone.
        if (nonTransactional && !concurrently) {
            out.add(new Violation(file, statement,
                    "a non-transactional migration should hold only CREATE INDEX CONCURRENTLY statements"));
        }
    }

    /** Upper-cased statements with comments and string contents removed and whitespace collapsed. */
    static List<String> statements(String sql) {
        String text = BLOCK_COMMENT.matcher(sql).replaceAll(" ");
        text = LINE_COMMENT.matcher(text).replaceAll(" ");
        text = STRING_LITERAL.matcher(text).replaceAll("''");
        List<String> out = new ArrayList<>();
        for (String part : text.split(";")) {
            String statement = part.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            if (!statement.isEmpty()) {
                out.add(statement);
            }
        }
        return out;
    }

    /** Splits "ADD a INT, ADD b NUMERIC(10, 2)" on the commas outside parentheses. */
    private static List<String> topLevelParts(String actions) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < actions.length(); i++) {
            char c = actions.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(actions.substring(start, i).strip());
                start = i + 1;
            }
        }
        parts.add(actions.substring(start).strip());
        return parts;
    }

    private static String unqualified(String name) {
        String bare = name.replace("\"", "");
        return bare.substring(bare.lastIndexOf('.') + 1);
    }
}
