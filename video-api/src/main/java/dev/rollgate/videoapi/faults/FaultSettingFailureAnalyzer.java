package dev.rollgate.videoapi.faults;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad knob into Boot's short "APPLICATION FAILED TO START" report instead of a bean-creation stack trace. */
class FaultSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidFaultSettingException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidFaultSettingException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Set " + cause.variable() + " to " + cause.allowed() + ", or unset it to disable that fault.",
                cause);
    }
}
