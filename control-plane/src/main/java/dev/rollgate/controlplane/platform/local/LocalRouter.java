package dev.rollgate.controlplane.platform.local;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.metrics.builtin.TrafficStats;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.platform.local.proxy.WeightedProxy;
import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The {@code local} router: one {@link WeightedProxy} per application × environment routed by "local", each on
 * its own front port. Weights live in memory and apply to the next request. A restart loses them: a release in
 * flight has them re-applied by the reconciler on every tick, and a settled target is routed to its live track by
 * the engine's start-up restore ({@code StartupRestorer}).
 */
@Component
public class LocalRouter implements TrafficRouter, SmartLifecycle, DisposableBean {

    public static final String NAME = "local";
    /** Starts before and stops after the synthetic load, which sends through these proxies. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    private static final Logger log = LoggerFactory.getLogger(LocalRouter.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final String bindAddress;
    private final Map<String, Integer> configuredPorts = new LinkedHashMap<>();
    private final Map<String, WeightedProxy> proxies = new LinkedHashMap<>();
    private final ConnectionProvider pool;
    private volatile boolean running;

    @Autowired
    public LocalRouter(Policies policies, LocalProperties properties, ObjectProvider<LocalBackends> backends,
                       TrafficStats stats,
                       @Value("${rollgate.local.proxy-response-timeout:30s}") Duration responseTimeout,
                       @Value("${rollgate.local.bind-address:" + LOOPBACK + "}") String bindAddress) {
        this(localTargets(policies, properties), bindAddress, lazy(backends), stats, responseTimeout);
    }

    /** @param frontPorts each target's front port, 0 for a free one; the proxies listen on 127.0.0.1 */
    public LocalRouter(Map<Target, Integer> frontPorts, LocalBackends backends, TrafficStats stats,
                       Duration responseTimeout) {
        this(frontPorts, LOOPBACK, backends, stats, responseTimeout);
    }

    /**
     * @param frontPorts  each target's front port, 0 for a free one
     * @param bindAddress where the proxies listen: 127.0.0.1, or a wildcard (0.0.0.0, ::) to be reachable from other
     *                    machines (a container's published ports); Rollgate's own smoke checks and synthetic load
     *                    call them on 127.0.0.1, so any other single address is refused
     */
    public LocalRouter(Map<Target, Integer> frontPorts, String bindAddress, LocalBackends backends,
                       TrafficStats stats, Duration responseTimeout) {
        this.bindAddress = checkedBindAddress(bindAddress);
        this.pool = ConnectionProvider.builder("rollgate-proxy")
                .maxConnections(512)
                .pendingAcquireMaxCount(4096)
                // Instances move to new ports on every release; idle connections to old ones must not linger.
                .maxIdleTime(Duration.ofSeconds(20))
                .evictInBackground(Duration.ofSeconds(30))
                .build();
        HttpClient client = HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .responseTimeout(responseTimeout);
        frontPorts.forEach((target, port) -> {
            configuredPorts.put(target.key(), port);
            proxies.put(target.key(), new WeightedProxy(target, this.bindAddress, backends, stats, client,
                    responseTimeout));
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<Void> route(Target target, Weights weights) {
        return Mono.fromRunnable(() -> proxy(target).route(weights));
    }

    @Override
    public Mono<Weights> current(Target target) {
        return Mono.fromCallable(() -> proxy(target).weights());
    }

    /** Where the front doors listen. */
    public String bindAddress() {
        return bindAddress;
    }

    /** The targets this router serves, in configuration order. */
    public List<Target> targets() {
        return proxies.values().stream().map(WeightedProxy::target).collect(Collectors.toList());
    }

    /**
     * The port {@code target}'s front door listens on (reachable on 127.0.0.1 whatever the bind address); empty
     * before start or for an unknown target.
     */
    public Optional<Integer> frontPort(Target target) {
        WeightedProxy proxy = proxies.get(target.key());
        return proxy == null ? Optional.empty() : proxy.port();
    }

    @Override
    public synchronized void start() {
        for (WeightedProxy proxy : proxies.values()) {
            Target target = proxy.target();
            int wanted = configuredPorts.get(target.key());
            try {
                int port = proxy.start(wanted);
                log.info("local proxy for {} listening on {}:{}", target.key(), bindAddress, port);
            } catch (RuntimeException e) {
                // One environment's busy port must not take the others (or the console) down with it.
                log.error("local proxy for {} cannot listen on {}:{}: {} (set rollgate.local.ports.{}.{})",
                        target.key(), bindAddress, wanted, e.getMessage(), target.application(),
                        target.environment());
            }
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        proxies.values().forEach(proxy -> proxy.stop(DRAIN));
        running = false;
    }

    /** Frees the connection pool; the router cannot be started again afterwards. */
    public synchronized void close() {
        stop();
        pool.disposeLater().block(DRAIN);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public void destroy() {
        close();
    }

    private WeightedProxy proxy(Target target) {
        WeightedProxy proxy = target == null ? null : proxies.get(target.key());
        if (proxy == null) {
            throw new IllegalArgumentException("the local router has no proxy for "
                    + (target == null ? "a null target" : target.key()) + "; it serves " + proxies.keySet()
                    + " (environments whose router is '" + NAME + "')");
        }
        return proxy;
    }

    // Rollgate's own smoke checks and synthetic load call the proxies on 127.0.0.1: any bind address they could
    // not reach that way is refused at start rather than found out from failing releases.
    private static String checkedBindAddress(String address) {
        String refusal = "rollgate.local.bind-address must be 127.0.0.1 or a wildcard (0.0.0.0, ::), not '" + address
                + "': Rollgate's own smoke checks and synthetic load reach the proxies on 127.0.0.1";
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException(refusal);
        }
        try {
            InetAddress resolved = InetAddress.getByName(address.strip());
            if (resolved.isAnyLocalAddress() || resolved.getHostAddress().equals(LOOPBACK)) {
                return address.strip();
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(refusal, e);
        }
        throw new IllegalArgumentException(refusal);
    }

    static Map<Target, Integer> localTargets(Policies policies, LocalProperties properties) {
        Map<Target, Integer> targets = new LinkedHashMap<>();
        for (Environment env : policies.environments()) {
            if (!NAME.equals(env.router())) {
                continue;
            }
            for (Application app : policies.applications()) {
                targets.put(new Target(app.name(), env.name(), env.namespace()),
                        properties.port(app.name(), env.name()));
            }
        }
        return targets;
    }

    /**
     * The local workloads may themselves depend on beans that depend on this router; resolving them on first
     * use avoids a construction cycle. Without any, every request answers 503.
     */
    private static LocalBackends lazy(ObjectProvider<LocalBackends> provider) {
        return new LocalBackends() {
            private volatile LocalBackends resolved;

            @Override
            public Optional<Backend> backend(Target target, Track track) {
                LocalBackends backends = resolved;
                if (backends == null) {
                    backends = provider.getIfAvailable(() -> (t, k) -> Optional.empty());
                    resolved = backends;
                }
                return backends.backend(target, track);
            }
        };
    }
}
