package dev.rollgate.controlplane.metrics.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.metrics.builtin.TrafficStats.Window;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Track;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.rollgate.controlplane.support.MutableClock;

class SlidingTrafficStatsTests {

    private static final Target TARGET = new Target("video-api", "staging", "video-staging");
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration SLO = Duration.ofMillis(500);

    // Mid-second, so that moving by whole seconds never lands on a bucket edge by accident.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00.500Z"));
    private final SlidingTrafficStats stats = new SlidingTrafficStats(clock, new SimpleMeterRegistry());

    @Test
    void countsRequestsAndServerErrorsPerTrackAndVersion() {
        repeat(10, () -> stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(5)));
        repeat(3, () -> stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 503, millis(5)));
        repeat(2, () -> stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 404, millis(5)));
        repeat(7, () -> stats.recordResponse(TARGET, Track.STABLE, "1.0.0", 500, millis(5)));
        repeat(4, () -> stats.recordResponse(TARGET, Track.CANARY, "1.9.0", 500, millis(5)));

        Window canary = stats.window(TARGET, Track.CANARY, "2.0.0", MINUTE, SLO);

        assertThat(canary.requests()).isEqualTo(15);
        assertThat(canary.serverErrors()).as("404 is the client's problem, not the server's").isEqualTo(3);
        assertThat(stats.window(TARGET, Track.STABLE, "1.0.0", MINUTE, SLO).serverErrors()).isEqualTo(7);
        assertThat(stats.window(new Target("video-api", "production", "p"), Track.CANARY, "2.0.0", MINUTE, SLO)
                .requests()).isZero();
    }

    @Test
    void responseOfExactlyTheThresholdIsNotSlowerThanIt() {
        stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(499));
        stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(500));
        stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(500) + 1);
        stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(501));
        stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(12_000));

        assertThat(stats.window(TARGET, Track.CANARY, "2.0.0", MINUTE, SLO).slowerThanThreshold()).isEqualTo(3);
    }

    @Test
    void thresholdBetweenBinBoundariesIsRoundedUpToTheNextBoundary() {
        stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(507));
        stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(511));
        stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(2_550));

        assertThat(stats.window(TARGET, Track.CANARY, "2.0.0", MINUTE, Duration.ofMillis(505))
                .slowerThanThreshold()).as("505 ms counts as 510 ms").isEqualTo(2);
        assertThat(stats.window(TARGET, Track.CANARY, "2.0.0", MINUTE, Duration.ofMillis(2_520))
                .slowerThanThreshold()).as("2520 ms counts as 2600 ms in the 100 ms bins").isZero();
    }

    @Test
    void p99IsTheUpperBoundOfTheBinHoldingThe99thPercentile() {
        repeat(99, () -> stats.recordResponse(TARGET, Track.STABLE, "1.0.0", 200, millis(15)));
        stats.recordResponse(TARGET, Track.STABLE, "1.0.0", 200, millis(900));
        assertThat(stats.window(TARGET, Track.STABLE, "1.0.0", MINUTE, SLO).p99Millis()).isEqualTo(20.0);

        stats.recordResponse(TARGET, Track.STABLE, "1.0.0", 200, millis(895));
        assertThat(stats.window(TARGET, Track.STABLE, "1.0.0", MINUTE, SLO).p99Millis())
                .as("2 of 101 requests in (890, 900]").isEqualTo(900.0);

        repeat(100, () -> stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(2_500)));
        assertThat(stats.window(TARGET, Track.CANARY, "2.0.0", MINUTE, SLO).p99Millis()).isEqualTo(2_500.0);

        repeat(100, () -> stats.recordResponse(TARGET, Track.CANARY, "3.0.0", 200, millis(60_000)));
        assertThat(stats.window(TARGET, Track.CANARY, "3.0.0", MINUTE, SLO).p99Millis())
                .as("beyond the histogram: reported as its 10 s limit").isEqualTo(10_000.0);
    }

    @Test
    void emptyWindowHasNoP99() {
        Window empty = stats.window(TARGET, Track.CANARY, "2.0.0", MINUTE, SLO);

        assertThat(empty).isEqualTo(new Window(0, 0, 0, null, 0, 0));
    }

    @Test
    void windowSlidesWithTheClock() {
        repeat(5, () -> stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 500, millis(5)));
        clock.advance(Duration.ofSeconds(10));
        repeat(3, () -> stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(5)));

        assertThat(window(Duration.ofSeconds(30)).requests()).isEqualTo(8);
        assertThat(window(Duration.ofSeconds(10)).requests()).as("the first second is 10 s ago").isEqualTo(3);
        assertThat(window(Duration.ofSeconds(11)).serverErrors()).isEqualTo(5);

        clock.advance(Duration.ofSeconds(25));

        assertThat(window(Duration.ofSeconds(30)).requests()).isEqualTo(3);
        assertThat(window(Duration.ofSeconds(30)).serverErrors()).isZero();
    }

    @Test
    void windowLongerThanFiveMinutesIsClamped() {
        stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(5));
        clock.advance(Duration.ofSeconds(299));
        assertThat(window(Duration.ofHours(1)).requests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(window(Duration.ofHours(1)).requests()).isZero();
    }

    @Test
    void bucketReusedAfterAFullTurnOfTheRingForgetsItsOldCounts() {
        repeat(4, () -> stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 500, millis(900)));
        clock.advance(SlidingTrafficStats.RETENTION);
        stats.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(5));

        Window window = window(SlidingTrafficStats.RETENTION);

        assertThat(window.requests()).isEqualTo(1);
        assertThat(window.serverErrors()).isZero();
        assertThat(window.slowerThanThreshold()).isZero();
    }

    @Test
    void countsProbesAndFailedProbes() {
        repeat(8, () -> stats.recordProbe(TARGET, Track.CANARY, "2.0.0", true));
        repeat(2, () -> stats.recordProbe(TARGET, Track.CANARY, "2.0.0", false));

        Window window = window(MINUTE);

        assertThat(window.probes()).isEqualTo(10);
        assertThat(window.failedProbes()).isEqualTo(2);
        assertThat(window.requests()).isZero();
    }

    @Test
    void concurrentRecordingLosesNothing() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                    stats.recordResponse(TARGET, Track.CANARY, "2.0.0", i % 10 == 0 ? 502 : 200,
                            millis(i % 2 == 0 ? 600 : 100));
                    if (i % 100 == 0) {
                        stats.recordProbe(TARGET, Track.CANARY, "2.0.0", i % 200 == 0);
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        Window window = window(MINUTE);

        assertThat(window.requests()).isEqualTo((long) threads * perThread);
        assertThat(window.serverErrors()).isEqualTo((long) threads * perThread / 10);
        assertThat(window.slowerThanThreshold()).isEqualTo((long) threads * perThread / 2);
        assertThat(window.probes()).isEqualTo((long) threads * perThread / 100);
        assertThat(window.failedProbes()).isEqualTo((long) threads * perThread / 200);
    }

    @Test
    void exportsTimerWithHalfSecondBucketAndProbeCounterForPrometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SlidingTrafficStats exported = new SlidingTrafficStats(clock, registry);

        repeat(3, () -> exported.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(400)));
        exported.recordResponse(TARGET, Track.CANARY, "2.0.0", 200, millis(700));
        exported.recordResponse(TARGET, Track.CANARY, "2.0.0", 503, millis(5));
        exported.recordProbe(TARGET, Track.CANARY, "2.0.0", false);

        String scrape = registry.scrape();
        assertThat(scrape).contains("rollgate_proxy_requests_seconds_bucket{application=\"video-api\","
                + "environment=\"staging\",outcome=\"2xx\",status=\"200\",track=\"canary\",version=\"2.0.0\","
                + "le=\"0.5\"} 3");
        assertThat(scrape).contains("rollgate_proxy_requests_seconds_count{application=\"video-api\","
                + "environment=\"staging\",outcome=\"5xx\",status=\"503\",track=\"canary\",version=\"2.0.0\"} 1");
        assertThat(scrape).contains("rollgate_proxy_probes_total{application=\"video-api\",environment=\"staging\","
                + "result=\"failed\",track=\"canary\",version=\"2.0.0\"} 1");
        assertThat(registry.find(ProxyMeters.REQUESTS).timers()).hasSize(2);
    }

    private Window window(Duration window) {
        return stats.window(TARGET, Track.CANARY, "2.0.0", window, SLO);
    }

    private static long millis(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    private static void repeat(int times, Runnable action) {
        for (int i = 0; i < times; i++) {
            action.run();
        }
    }
}
