package dev.rollgate.videoapi.version;

import java.time.Instant;

import org.springframework.boot.info.BuildProperties;

/**
 * The version this instance reports in headers, metrics and /api/version. Rollgate tells the
 * stable and canary tracks apart by it, so it must never be blank.
 */
public record AppVersion(String version, Instant startedAt) {

    static final String UNKNOWN = "unknown";

    /**
     * APP_VERSION wins because the image tag is what the operator deployed; the build-info
     * version is the fallback for a jar started by hand.
     */
    public static AppVersion resolve(String configured, BuildProperties build, Instant startedAt) {
        if (configured != null && !configured.isBlank()) {
            return new AppVersion(configured.strip(), startedAt);
        }
        if (build != null && build.getVersion() != null && !build.getVersion().isBlank()) {
            return new AppVersion(build.getVersion(), startedAt);
        }
        return new AppVersion(UNKNOWN, startedAt);
    }
}
