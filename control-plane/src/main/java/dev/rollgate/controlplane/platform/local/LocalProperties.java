package dev.rollgate.controlplane.platform.local;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The local platform: video-api as child processes behind Rollgate's own weighted proxy.
 *
 * @param jar            the workload's executable jar (default: what the reactor build produces)
 * @param java           the java binary to run it with (default: the JVM running Rollgate)
 * @param jvmOptions     options for each child JVM; small heaps and fast startup suit one machine
 * @param stateDir       where pid files and process logs live
 * @param database       the PostgreSQL the workload uses; {@code name} may contain {environment}
 * @param ports          front port per application and environment; 0 or absent picks a free port
 * @param syntheticLoad  requests per second sent through each environment's front port (0: off)
 * @param stopTimeout    how long a stopped process may drain before it is killed
 * @param probeInterval  how often each running instance's /health is probed (the health gate)
 * @param warmupRequests calls to the smoke paths a new instance answers before it takes traffic
 * @param notReadyTimeout how long a new instance may keep answering /ready with "not ready" before its track
 *                        fails (reason NotReady) instead of waiting out the release's ready timeout; 0: never
 * @param bootstrapVersion the version label under which an environment that never had a release gets the
 *                         bundled build at start (empty: leave it empty)
 */
@ConfigurationProperties("rollgate.local")
public record LocalProperties(
        String jar,
        String java,
        @DefaultValue({"-Xmx192m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"}) List<String> jvmOptions,
        @DefaultValue(".rollgate") String stateDir,
        @DefaultValue Database database,
        Map<String, Map<String, Integer>> ports,
        Map<String, Integer> syntheticLoad,
        @DefaultValue("15s") Duration stopTimeout,
        @DefaultValue("1s") Duration probeInterval,
        @DefaultValue("60") int warmupRequests,
        @DefaultValue("30s") Duration notReadyTimeout,
        @DefaultValue("1.0.0") String bootstrapVersion) {

    public LocalProperties {
        ports = ports == null ? Map.of() : ports;
        syntheticLoad = syntheticLoad == null ? Map.of() : syntheticLoad;
    }

    public record Database(
            @DefaultValue("localhost") String host,
            @DefaultValue("5432") int port,
            @DefaultValue("postgres") String user,
            @DefaultValue("") String password,
            @DefaultValue("videoapi_{environment}") String name) {

        public String nameFor(String environment) {
            return name.replace("{environment}", environment.replace('-', '_'));
        }

        @Override
        public String toString() {
            return "Database[" + user + "@" + host + ":" + port + "/" + name + ", password=***]";
        }
    }

    public int port(String application, String environment) {
        return ports.getOrDefault(application, Map.of()).getOrDefault(environment, 0);
    }

    public int syntheticLoad(String environment) {
        return syntheticLoad.getOrDefault(environment, 0);
    }
}
