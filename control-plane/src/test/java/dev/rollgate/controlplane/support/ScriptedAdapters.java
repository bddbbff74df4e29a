package dev.rollgate.controlplane.support;

import java.util.List;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import dev.rollgate.controlplane.release.port.SmokeChecker;
import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.release.port.Workloads;
import dev.rollgate.controlplane.release.InstanceId;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import reactor.core.publisher.Mono;

/** The ports, backed by {@link ScriptedWorld}, under the name "scripted". */
@TestConfiguration(proxyBeanMethods = false)
public class ScriptedAdapters {

    static final String NAME = "scripted";

    @Bean
    Workloads scriptedWorkloads(InstanceId instance) {
        ScriptedWorld world = ScriptedWorld.INSTANCE;
        return new Workloads() {
            @Override
            public String platform() {
                return NAME;
            }

            @Override
            public Mono<Void> apply(Target target, Track track, Revision revision) {
                return Mono.fromRunnable(() -> {
                    world.maybeFail(target.key(), "apply");
                    world.apply(target.key(), track, revision, instance.value());
                });
            }

            @Override
            public Mono<TrackStatus> status(Target target, Track track) {
                return Mono.fromCallable(() -> {
                    world.maybeFail(target.key(), "status");
                    return world.silent(target.key(), "status") || world.silent(target.key(), "status-" + track.id())
                            ? null : world.status(target.key(), track);
                });
            }

            @Override
            public Mono<Void> scaleToZero(Target target, Track track) {
                return Mono.fromRunnable(() -> {
                    world.maybeFail(target.key(), "scale");
                    world.scaleToZero(target.key(), track, instance.value());
                });
            }

            @Override
            public Mono<java.util.Optional<String>> unavailable(Target target) {
                return Mono.fromCallable(() -> world.unavailable(target.key()));
            }
        };
    }

    @Bean
    TrafficRouter scriptedRouter(InstanceId instance) {
        ScriptedWorld world = ScriptedWorld.INSTANCE;
        return new TrafficRouter() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public Mono<Void> route(Target target, Weights weights) {
                return Mono.fromRunnable(() -> {
                    world.maybeFail(target.key(), "route");
                    world.route(target.key(), weights, instance.value());
                });
            }

            @Override
            public Mono<Weights> current(Target target) {
                return Mono.fromCallable(() -> {
                    world.maybeFail(target.key(), "weights");
                    return world.silent(target.key(), "weights") ? null : world.weights(target.key());
                });
            }

            @Override
            public Mono<java.util.Optional<String>> foreignChange(Target target) {
                return Mono.fromCallable(() -> world.foreignChange(target.key()));
            }
        };
    }

    @Bean
    MetricsProvider scriptedMetrics() {
        ScriptedWorld world = ScriptedWorld.INSTANCE;
        return new MetricsProvider() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public Mono<Sample> sample(GateQuery query) {
                return Mono.fromCallable(() -> world.behaviour(query.version()).gates().apply(query.gate()));
            }
        };
    }

    @Bean
    dev.rollgate.controlplane.release.port.TargetFacts scriptedTargetFacts() {
        ScriptedWorld world = ScriptedWorld.INSTANCE;
        return new dev.rollgate.controlplane.release.port.TargetFacts() {
            @Override
            public java.util.Map<String, Object> facts(Target target) {
                return java.util.Map.of();
            }

            @Override
            public java.util.Optional<String> moreTraffic(Target target) {
                return world.moreTraffic(target.key());
            }
        };
    }

    @Bean
    SmokeChecker scriptedSmoke() {
        ScriptedWorld world = ScriptedWorld.INSTANCE;
        return new SmokeChecker() {
            @Override
            public String platform() {
                return NAME;
            }

            @Override
            public Mono<SmokeResult> check(Target target, Track track, List<String> paths) {
                return Mono.fromCallable(() -> {
                    world.maybeFail(target.key(), "smoke");
                    String version = world.versionOf(target.key(), track);
                    return new SmokeResult(paths.size(), world.behaviour(version).smokeFailures());
                });
            }
        };
    }
}
