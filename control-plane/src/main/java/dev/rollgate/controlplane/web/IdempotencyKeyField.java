package dev.rollgate.controlplane.web;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Each rendered form carries a fresh key, so a double click or a resubmitted form does its work once
 * (the engine replays the first answer for a key it has seen).
 */
final class IdempotencyKeyField {

    private static final Pattern VALID = Pattern.compile("^console:[0-9a-f-]{36}$");

    private IdempotencyKeyField() {
    }

    static String fresh() {
        return "console:" + UUID.randomUUID();
    }

    /** A key the page did not render is ignored rather than trusted. */
    static String valid(String key) {
        return key != null && VALID.matcher(key).matches() ? key : null;
    }
}
