package dev.rollgate.controlplane.platform.local.proxy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rollgate.controlplane.metrics.builtin.SlidingTrafficStats;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.platform.local.LocalRouter;
import dev.rollgate.controlplane.release.Track;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Not a test: serves a fake backend and a local proxy in front of it, with the real stats and Prometheus
 * meters, until stdin closes. {@code bench/proxy-overhead.sh} points wrk at both and prints the difference.
 */
public final class ProxyOverheadBench {

    private ProxyOverheadBench() {
    }

    public static void main(String[] args) throws IOException {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Target target = new Target("video-api", "bench", "bench");
        try (FakeBackend backend = new FakeBackend("1.0.0")) {
            FakeBackends backends = new FakeBackends();
            backends.serve(Track.STABLE, backend);
            SlidingTrafficStats stats = new SlidingTrafficStats(Clock.systemUTC(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            LocalRouter router = new LocalRouter(Map.of(target, 0), backends, stats, Duration.ofSeconds(30));
            router.start();
            System.out.println("backend=" + backend.port() + " front=" + router.frontPort(target).orElseThrow());
            System.out.flush();
            while (System.in.read() != -1) {
                // Runs until the script closes stdin.
            }
            router.close();
        }
    }
}
