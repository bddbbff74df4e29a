package dev.rollgate.videoapi.version;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class VersionConfiguration {

    @Bean
    AppVersion appVersion(@Value("${videoapi.version:}") String configured,
                          ObjectProvider<BuildProperties> buildProperties) {
        return AppVersion.resolve(configured, buildProperties.getIfAvailable(), Clock.systemUTC().instant());
    }

    /**
     * A customizer rather than management.metrics.tags.version: the default version is only
     * known once build-info has been read, which a property placeholder cannot do.
     */
    @Bean
    MeterRegistryCustomizer<MeterRegistry> versionTag(AppVersion appVersion) {
        return registry -> registry.config().commonTags("version", appVersion.version());
    }
}
