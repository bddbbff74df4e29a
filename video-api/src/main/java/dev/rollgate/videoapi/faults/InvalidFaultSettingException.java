package dev.rollgate.videoapi.faults;

/** A fault knob with a value outside its range; carries what the operator needs to fix it. */
public class InvalidFaultSettingException extends IllegalArgumentException {

    private final String variable;
    private final String allowed;

    InvalidFaultSettingException(String variable, String allowed, String value) {
        super(variable + " must be " + allowed + ", got '" + value + "'");
        this.variable = variable;
        this.allowed = allowed;
    }

    public String variable() {
        return variable;
    }

    public String allowed() {
        return allowed;
    }
}
