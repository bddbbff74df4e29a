package dev.rollgate.videoapi.faults;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Raw knob values. Strings on purpose: a numeric binding would fail with Spring's generic
 * conversion message, which names neither the environment variable nor the allowed range.
 */
@ConfigurationProperties("videoapi.faults")
public record FaultProperties(String errorRate, String latencyMs, String ready) {
}
