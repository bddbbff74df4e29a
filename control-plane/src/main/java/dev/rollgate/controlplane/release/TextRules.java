package dev.rollgate.controlplane.release;

import java.util.Optional;

/**
 * What free text Rollgate stores. PostgreSQL cannot store NUL in text at all, and other control characters or
 * bidirectional overrides make a log line read differently from what it holds, so they are refused at the door
 * and escaped wherever text is recorded anyway (the audit log records refusals, bad input included).
 */
public final class TextRules {

    public static final int MAX_REASON = 1000;

    private TextRules() {
    }

    /** Why {@code value} cannot be stored as text, or empty when it can (null is "absent", not a problem). */
    public static Optional<String> problem(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of("is not valid Unicode: a lone surrogate " + code(c) + " at position " + i);
            } else if (isControl(c)) {
                return Optional.of("contains a control character " + code(c) + " at position " + i
                        + "; only tab and newline are allowed");
            } else if (isBidiOverride(c)) {
                return Optional.of("contains an invisible bidirectional control " + code(c) + " at position " + i
                        + ", which makes the text read differently from what it holds");
            }
        }
        return Optional.empty();
    }

    /** Problems of a free-text reason: the rules above and a length a person still reads. */
    public static Optional<String> reasonProblem(String reason) {
        if (reason != null && reason.length() > MAX_REASON) {
            return Optional.of("must be at most " + MAX_REASON + " characters (it has " + reason.length() + ")");
        }
        return problem(reason);
    }

    /** {@code value} with every character {@link #problem} refuses written as a visible {@code \\uXXXX} escape. */
    public static String escape(String value) {
        if (value == null || problem(value).isEmpty()) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (pair) {
                out.append(c).append(value.charAt(++i));
            } else if (Character.isSurrogate(c) || isControl(c) || isBidiOverride(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isControl(char c) {
        return Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n';
    }

    /** The embeddings, overrides and isolates of "Trojan Source"; the plain marks (LRM, RLM) stay allowed. */
    private static boolean isBidiOverride(char c) {
        return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }

    private static String code(char c) {
        return String.format("U+%04X", (int) c);
    }
}
