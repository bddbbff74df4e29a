package dev.rollgate.videoapi.faults;

import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;

import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class FaultsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FaultsConfiguration.class);

    /** Parsed eagerly, as a singleton, so a bad value stops startup rather than the first request. */
    @Bean
    FaultSettings faultSettings(FaultProperties properties) {
        FaultSettings settings = FaultSettings.from(properties);
        if (settings.injectsFaults() || !settings.ready()) {
            // Loud on purpose: an instance that fails on purpose must be easy to spot in its logs.
            log.warn("Fault injection active: errorRate={}, latency={}ms, ready={}",
                    settings.errorRate(), settings.latency().toMillis(), settings.ready());
        }
        return settings;
    }

    /** The controllers' mapping by name: actuator registers further handler mappings of related types. */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    FaultInjectionFilter faultInjectionFilter(FaultSettings settings, JsonMapper jsonMapper,
                                              @Qualifier("requestMappingHandlerMapping") HandlerMapping routes) {
        return new FaultInjectionFilter(settings, () -> ThreadLocalRandom.current().nextDouble(), jsonMapper, routes);
    }

    @Bean
    FaultsHealthIndicator faultsHealthIndicator(FaultSettings settings) {
        return new FaultsHealthIndicator(settings);
    }
}
