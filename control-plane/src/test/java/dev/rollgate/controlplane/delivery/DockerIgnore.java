package dev.rollgate.controlplane.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code .dockerignore} file matched as BuildKit matches it (moby's patternmatcher): patterns in order, the last
 * one that matches decides, {@code !} re-includes, a pattern also matches a path through any of its leading
 * directories ({@code *} excludes {@code video-api/target/x.jar} because it matches {@code video-api}), and {@code *} does not
 * cross a {@code /} while {@code **} does.
 */
final class DockerIgnore {

    private record Rule(Pattern regex, boolean include, String source) {
    }

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    static DockerIgnore read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DockerIgnore parse(String text) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean include = line.startsWith("!");
            String pattern = clean(include ? line.substring(1).strip() : line);
            rules.add(new Rule(Pattern.compile(regex(pattern)), include, line));
        }
        return new DockerIgnore(List.copyOf(rules));
    }

    /** Whether {@code path} (relative to the context, {@code /}-separated) is left out of the build context. */
    boolean excludes(String path) {
        String file = clean(path);
        String[] parts = file.split("/");
        boolean excluded = false;
        for (Rule rule : rules) {
            boolean matches = rule.regex().matcher(file).matches();
            for (int depth = 1; !matches && depth < parts.length; depth++) {
                matches = rule.regex().matcher(String.join("/", Arrays.copyOf(parts, depth))).matches();
            }
            if (matches) {
                excluded = !rule.include();
            }
        }
        return excluded;
    }

    private static String clean(String pattern) {
        String p = pattern.replace('\\', '/').replaceAll("/+", "/");
        if (p.length() > 1 && p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.startsWith("./") ? p.substring(2) : p;
    }

    private static String regex(String pattern) {
        StringBuilder regex = new StringBuilder("^");
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                i++;
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '/') {
                    i++;
                }
                // A trailing ** takes everything below; elsewhere it stands for any number of directories, even none.
                regex.append(i + 1 == pattern.length() ? ".*" : "(.*/)?");
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (".+()|{}$".indexOf(c) >= 0) {
                regex.append('\\').append(c);
            } else {
                regex.append(c);
            }
        }
        return regex.append('$').toString();
    }

    @Override
    public String toString() {
        return rules.stream().map(Rule::source).toList().toString();
    }
}
