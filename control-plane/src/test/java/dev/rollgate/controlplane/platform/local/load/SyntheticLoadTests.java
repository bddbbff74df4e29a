package dev.rollgate.controlplane.platform.local.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.release.port.Target;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

class SyntheticLoadTests {

    private static final Target TARGET = new Target("video-api", "dev", "video-dev");

    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private DisposableServer front;
    private SyntheticLoad load;

    @AfterEach
    void stop() {
        if (load != null) {
            load.stop();
        }
        if (front != null) {
            front.disposeNow(Duration.ofSeconds(5));
        }
    }

    @Test
    void sendsTheConfiguredRateRotatingOverTheThreePaths() {
        front = frontServer(false);
        load = new SyntheticLoad(Map.of(TARGET, 50), ports(front.port()), SyntheticLoad.DEFAULT_MAX_IN_FLIGHT);

        load.start();

        assertThat(load.rate(TARGET)).isEqualTo(50);
        await().atMost(Duration.ofSeconds(15)).until(() -> arrivals.size() >= 150);
        List<Arrival> first = List.copyOf(arrivals.subList(0, 150));
        double seconds = (first.get(149).nanos() - first.get(0).nanos()) / 1e9;
        assertThat(149 / seconds).as("requests per second").isBetween(35.0, 70.0);
        Map<String, Long> byKind = first.stream().collect(Collectors.groupingBy(SyntheticLoadTests::kind,
                Collectors.counting()));
        assertThat(byKind.keySet()).containsExactlyInAnyOrder("/api/videos", "/api/videos/{id}",
                "/api/subscriptions/plans");
        assertThat(byKind.values()).allSatisfy(count -> assertThat(count).isBetween(45L, 55L));
        assertThat(first).filteredOn(a -> kind(a).equals("/api/videos/{id}"))
                .extracting(a -> Integer.parseInt(a.path().substring("/api/videos/".length())))
                .allSatisfy(id -> assertThat(id).isBetween(1, 5))
                .contains(1, 2, 3, 4, 5);
    }

    @Test
    void dropsTicksInsteadOfPilingUpRequestsOnAStuckFront() {
        front = frontServer(true);
        load = new SyntheticLoad(Map.of(TARGET, 50), ports(front.port()), 4);

        load.start();

        // The four requests may reach the stuck server after the load has started dropping ticks (a busy machine).
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(load.dropped()).isGreaterThanOrEqualTo(25);
            assertThat(arrivals).hasSize(4);
        });
        assertThat(load.sent()).isEqualTo(4);
    }

    @Test
    void sendsNothingWhereTheRateIsZero() {
        load = new SyntheticLoad(Map.of(TARGET, 0), ports(1), SyntheticLoad.DEFAULT_MAX_IN_FLIGHT);

        load.start();

        assertThat(load.isRunning()).isFalse();
        assertThat(load.rate(TARGET)).isZero();
    }

    @Test
    void offersItsSettingAsTheWayToMoreTrafficForLocalTargetsOnly() {
        load = new SyntheticLoad(Map.of(TARGET, 0), ports(1), SyntheticLoad.DEFAULT_MAX_IN_FLIGHT);
        String env = TARGET.environment();

        assertThat(load.moreTraffic(TARGET)).hasValueSatisfying(hint -> assertThat(hint)
                .contains("turn on").contains("rollgate.local.synthetic-load." + env));
        assertThat(new SyntheticLoad(Map.of(TARGET, 20), ports(1), 4).moreTraffic(TARGET))
                .hasValueSatisfying(hint -> assertThat(hint).contains("raise").contains("20 req/s"));
        assertThat(load.moreTraffic(new Target("video-api", "elsewhere", "k8s"))).isEmpty();
    }

    @Test
    void reportsNoRateOnceStopped() {
        front = frontServer(false);
        load = new SyntheticLoad(Map.of(TARGET, 20), ports(front.port()), SyntheticLoad.DEFAULT_MAX_IN_FLIGHT);
        load.start();

        load.stop();

        assertThat(load.rate(TARGET)).isZero();
        assertThat(load.rate(new Target("video-api", "staging", "video-staging"))).isZero();
    }

    private DisposableServer frontServer(boolean stuck) {
        return HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> {
                    arrivals.add(new Arrival(System.nanoTime(), request.uri()));
                    if (stuck) {
                        return Mono.never();
                    }
                    int status = request.uri().matches("/api/videos/[45]") ? 404 : 200;
                    return response.status(status).sendString(Mono.just("{}")).then();
                })
                .bindNow(Duration.ofSeconds(10));
    }

    private static Function<Target, Optional<Integer>> ports(int port) {
        return target -> Optional.of(port);
    }

    private static String kind(Arrival arrival) {
        return arrival.path().matches("/api/videos/\\d+") ? "/api/videos/{id}" : arrival.path();
    }

    private record Arrival(long nanos, String path) {
    }
}
