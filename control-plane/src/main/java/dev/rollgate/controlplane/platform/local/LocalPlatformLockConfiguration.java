package dev.rollgate.controlplane.platform.local;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.rollgate.controlplane.platform.local.load.SyntheticLoad;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.InstanceId;
import dev.rollgate.controlplane.release.StartupRestorer;
import io.r2dbc.spi.ConnectionFactory;

/** Wires {@link LocalPlatformLock} to what runs the local platform, and reports it as {@code localPlatform}. */
@Configuration(proxyBeanMethods = false)
class LocalPlatformLockConfiguration {

    @Bean
    LocalPlatformLock localPlatformLock(ConnectionFactory factory, Policies policies, InstanceId instance,
                                        @Value("${rollgate.local.lock-retry:2s}") Duration retry,
                                        ObjectProvider<LocalWorkloads> workloads, ObjectProvider<LocalRouter> router,
                                        ObjectProvider<HealthProber> prober, ObjectProvider<StartupRestorer> restorer,
                                        ObjectProvider<LocalStartup> startup, ObjectProvider<SyntheticLoad> load) {
        boolean needed = policies.environments().stream().anyMatch(env -> "local".equals(env.platform()));
        return new LocalPlatformLock(factory, needed, identity(instance), retry,
                () -> List.of(workloads.getObject(), router.getObject(), prober.getObject()),
                () -> {
                    // What a start does once the context is ready: bring each target back, then the load.
                    restorer.getObject().restore(startup.getObject());
                    load.getObject().start();
                });
    }

    @Bean
    HealthIndicator localPlatformHealthIndicator(LocalPlatformLock lock) {
        // UP either way: a replica on standby serves everything else, and must not be restarted for waiting.
        return () -> lock.standbyReason().map(why -> Health.up().withDetail("runsHere", false).withDetail("why", why))
                .orElseGet(() -> Health.up().withDetail("runsHere", true)).build();
    }

    static String identity(InstanceId instance) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown host";
        }
        String name = "rollgate " + instance.value() + " pid " + ProcessHandle.current().pid();
        return instance.value().startsWith(host) ? name : name + " on " + host;
    }
}
