package dev.rollgate.controlplane.analysis;

/** ERROR means the provider could not answer; it never promotes and counts toward the error limit. */
public enum Verdict {
    PASS, FAIL, INCONCLUSIVE, ERROR
}
