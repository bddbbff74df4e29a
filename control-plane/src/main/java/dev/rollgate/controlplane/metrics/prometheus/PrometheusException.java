package dev.rollgate.controlplane.metrics.prometheus;

/**
 * Prometheus could not answer a query. The message ends up in the gate's ERROR measurement and in the pause
 * event, so it says what went wrong in Prometheus's own words and never carries credentials.
 */
public class PrometheusException extends RuntimeException {

    public PrometheusException(String message) {
        super(message, null, false, false);
    }
}
