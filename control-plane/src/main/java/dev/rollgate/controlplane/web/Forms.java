package dev.rollgate.controlplane.web;

/** What a person typed into a field or a filter: surrounding blanks dropped, an empty field means "not given". */
final class Forms {

    private Forms() {
    }

    static String text(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
