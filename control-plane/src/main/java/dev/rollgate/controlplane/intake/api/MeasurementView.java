package dev.rollgate.controlplane.intake.api;

import java.time.Instant;

import dev.rollgate.controlplane.analysis.Measurement;

/**
 * One gate reading as the API shows it. {@code gate} is the gate's id ({@code error-rate}, {@code p99-latency},
 * {@code health}, {@code smoke}), the name events, Slack and the console use; {@code unit} is that of
 * {@code value} and {@code threshold}.
 */
public record MeasurementView(String gate, String track, Double value, double threshold, String unit, long bad,
                              long total, String verdict, String detail, Instant at) {

    public static MeasurementView of(Measurement m) {
        return new MeasurementView(m.gate().id(), m.track(), m.value(), m.threshold(), m.gate().unit(), m.bad(),
                m.total(), m.verdict().name(), m.detail(), m.at());
    }
}
