package dev.rollgate.videoapi.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import org.springframework.boot.info.BuildProperties;

class AppVersionTests {

    private static final Instant STARTED = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void prefersConfiguredVersionOverBuildInfo() {
        assertThat(AppVersion.resolve(" 1.2.3 ", build("0.1.0-SNAPSHOT"), STARTED).version()).isEqualTo("1.2.3");
    }

    @Test
    void fallsBackToBuildInfoWhenUnsetOrBlank() {
        assertThat(AppVersion.resolve(null, build("0.1.0-SNAPSHOT"), STARTED).version()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(AppVersion.resolve("", build("0.1.0-SNAPSHOT"), STARTED).version()).isEqualTo("0.1.0-SNAPSHOT");
    }

    @Test
    void neverReportsABlankVersion() {
        assertThat(AppVersion.resolve("", null, STARTED).version()).isEqualTo("unknown");
    }

    private static BuildProperties build(String version) {
        Properties properties = new Properties();
        properties.setProperty("version", version);
        return new BuildProperties(properties);
    }
}
