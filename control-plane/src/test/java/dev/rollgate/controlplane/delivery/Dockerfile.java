package dev.rollgate.controlplane.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Dockerfile read the way BuildKit reads it, as far as the delivery rules need: continuation lines joined,
 * comment lines dropped, instructions grouped into stages. No Docker engine is needed (none runs in CI).
 */
record Dockerfile(List<Stage> stages) {

    record Instruction(String keyword, String arguments) {

        /** Whitespace-separated words, quotes removed (enough for FROM, COPY, ENV, EXPOSE, USER). */
        List<String> words() {
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            char quote = 0;
            boolean inWord = false;
            for (char c : arguments.toCharArray()) {
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else {
                        word.append(c);
                    }
                } else if (c == '"' || c == '\'') {
                    quote = c;
                    inWord = true;
                } else if (Character.isWhitespace(c)) {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                } else {
                    word.append(c);
                    inWord = true;
                }
            }
            if (inWord) {
                words.add(word.toString());
            }
            return words;
        }

        /** {@code --name=value} options at the start of the arguments (COPY --from, FROM --platform). */
        Map<String, String> flags() {
            Map<String, String> flags = new LinkedHashMap<>();
            for (String word : words()) {
                if (!word.startsWith("--")) {
                    break;
                }
                int eq = word.indexOf('=');
                flags.put(eq < 0 ? word.substring(2) : word.substring(2, eq), eq < 0 ? "" : word.substring(eq + 1));
            }
            return flags;
        }

        /** The words after the flags. */
        List<String> operands() {
            return words().stream().dropWhile(w -> w.startsWith("--")).toList();
        }
    }

    /** One {@code FROM} and what follows it up to the next. */
    record Stage(int index, String image, Optional<String> name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        Optional<Instruction> last(String keyword) {
            List<Instruction> found = all(keyword);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
        }

        /** ENV values set in this stage (later ones win), for both {@code K=V ...} and the legacy {@code K V}. */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (Instruction i : all("ENV")) {
                List<String> words = i.words();
                if (!words.isEmpty() && !words.get(0).contains("=")) {
                    env.put(words.get(0), String.join(" ", words.subList(1, words.size())));
                    continue;
                }
                for (String word : words) {
                    int eq = word.indexOf('=');
                    env.put(word.substring(0, eq), word.substring(eq + 1));
                }
            }
            return env;
        }
    }

    static Dockerfile read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Dockerfile parse(String text) {
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        for (String line : logicalLines(text)) {
            String[] parts = line.split("\\s+", 2);
            Instruction instruction = new Instruction(parts[0].toUpperCase(Locale.ROOT),
                    parts.length > 1 ? parts[1].trim() : "");
            if (instruction.keyword().equals("FROM")) {
                List<String> operands = instruction.operands();
                String image = operands.isEmpty() ? "" : operands.get(0);
                Optional<String> name = operands.size() >= 3 && operands.get(1).equalsIgnoreCase("AS")
                        ? Optional.of(operands.get(2)) : Optional.empty();
                current = new ArrayList<>();
                stages.add(new Stage(stages.size(), image, name, current));
            } else if (current != null) {
                current.add(instruction);
            } else if (!instruction.keyword().equals("ARG")) {
                throw new IllegalArgumentException("instruction before the first FROM: " + line);
            }
        }
        return new Dockerfile(List.copyOf(stages));
    }

    Stage last() {
        return stages.get(stages.size() - 1);
    }

    /** The earlier stage {@code reference} (a stage name or index) names, if any. */
    Optional<Stage> stage(String reference, int before) {
        return stages.stream().limit(before)
                .filter(s -> s.name().map(reference::equalsIgnoreCase).orElse(false)
                        || Integer.toString(s.index()).equals(reference))
                .findFirst();
    }

    // Comment and empty lines are dropped even inside a continuation, as BuildKit does; the `# syntax=`
    // directive is a comment to us.
    private static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            if (!pending.toString().isBlank()) {
                lines.add(pending.toString().strip());
            }
            pending.setLength(0);
        }
        if (!pending.toString().isBlank()) {
            lines.add(pending.toString().strip());
        }
        return lines;
    }
}
