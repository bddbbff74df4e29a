package dev.rollgate.controlplane.support;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.rollgate.controlplane.RollgateApplication;
import dev.rollgate.controlplane.release.ReleaseReconciler;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;

/**
 * One more Rollgate replica in a Spring context of its own (profile k8stest: the same database and the same
 * {@link MockCluster} as {@link KubernetesEngineTest}'s context), for tests that stop, restart or cut off a replica.
 * The cached {@link KubernetesEngineTest} context keeps running in the same JVM on the same database and would
 * take releases over, so a test holds its reconciler with {@link #quiet} while nodes drive releases.
 */
public final class KubernetesNode implements AutoCloseable {

    private final String name;
    private final ConfigurableApplicationContext context;

    private KubernetesNode(String name, ConfigurableApplicationContext context) {
        this.name = name;
        this.context = context;
    }

    /** @param throughRelay its client reaches the API server through {@link MockCluster#relay()} */
    public static KubernetesNode start(String name, boolean throughRelay) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--rollgate.instance-id=" + name));
        if (throughRelay) {
            args.add("--" + KubernetesTestCluster.THROUGH_RELAY + "=true");
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(RollgateApplication.class,
                KubernetesTestCluster.class).profiles("k8stest").run(args.toArray(String[]::new));
        return new KubernetesNode(name, context);
    }

    /**
     * Stops {@code reconciler} (handing its leases over) until the returned handle is closed: no release is driven
     * by that replica meanwhile.
     */
    public static AutoCloseable quiet(ReleaseReconciler reconciler) {
        reconciler.stop();
        return reconciler::start;
    }

    public String name() {
        return name;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public ReleaseDriver driver() {
        return new ReleaseDriver(bean(ReleaseService.class), bean(ReleaseRepository.class),
                bean(EventRepository.class));
    }

    /** As a replica shut down for an upgrade: its reconciler hands its leases over, its informers stop. */
    @Override
    public void close() {
        context.close();
    }
}
