package dev.rollgate.controlplane.platform.local;

import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.port.RestoredOnStart;
import dev.rollgate.controlplane.release.port.Target;

/** Local processes may be gone after a restart: every target of a local environment is restored by the engine. */
@Component
public class LocalStartup implements RestoredOnStart {

    private final Policies policies;
    private final LocalProperties properties;
    private final LocalPlatformLock lock;

    public LocalStartup(Policies policies, LocalProperties properties, LocalPlatformLock lock) {
        this.policies = policies;
        this.properties = properties;
        this.lock = lock;
    }

    /** None while another Rollgate runs the local platform: its processes are not this replica's to restore. */
    @Override
    public List<Target> targets() {
        if (!lock.held()) {
            return List.of();
        }
        return policies.environments().stream()
                .filter(env -> "local".equals(env.platform()))
                .flatMap(env -> policies.applications().stream()
                        .map(app -> new Target(app.name(), env.name(), env.namespace())))
                .toList();
    }

    @Override
    public Optional<String> bootstrapVersion() {
        return Optional.ofNullable(properties.bootstrapVersion());
    }
}
