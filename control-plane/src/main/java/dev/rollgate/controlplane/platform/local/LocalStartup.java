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

    public LocalStartup(Policies policies, LocalProperties properties) {
        this.policies = policies;
        this.properties = properties;
    }

    @Override
    public List<Target> targets() {
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
