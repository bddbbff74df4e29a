package dev.rollgate.controlplane.release;

/** This replica's name in lease rows. */
public record InstanceId(String value) {
}
