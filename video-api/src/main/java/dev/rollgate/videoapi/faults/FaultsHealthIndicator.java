package dev.rollgate.videoapi.faults;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;

import reactor.core.publisher.Mono;

/** Member of the readiness group: VIDEOAPI_FAULTS_READY=false simulates a candidate that never becomes ready. */
class FaultsHealthIndicator implements ReactiveHealthIndicator {

    private final FaultSettings settings;

    FaultsHealthIndicator(FaultSettings settings) {
        this.settings = settings;
    }

    @Override
    public Mono<Health> health() {
        Health.Builder builder = settings.ready() ? Health.up() : Health.down();
        return Mono.just(builder
                .withDetail("errorRate", settings.errorRate())
                .withDetail("latencyMs", settings.latency().toMillis())
                .build());
    }
}
