package dev.rollgate.controlplane.release;

import java.net.InetAddress;
import java.time.Clock;
import java.util.UUID;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.rollgate.controlplane.policy.RollgateProperties;

@Configuration(proxyBeanMethods = false)
public class ReleaseConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    InstanceId instanceId(RollgateProperties properties) {
        if (properties.instanceId() != null && !properties.instanceId().isBlank()) {
            return new InstanceId(properties.instanceId());
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "rollgate";
        }
        // A restarted replica is a new holder: it must not silently resume leases of the process it replaced.
        return new InstanceId(host + "-" + UUID.randomUUID().toString().substring(0, 8));
    }
}
