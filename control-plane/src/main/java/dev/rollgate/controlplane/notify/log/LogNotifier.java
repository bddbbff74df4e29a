package dev.rollgate.controlplane.notify.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.Notifier;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import reactor.core.publisher.Mono;

/** Every release event as one log line: the trail an operator greps when nothing else is configured. */
@Component
public class LogNotifier implements Notifier {

    private static final Logger log = LoggerFactory.getLogger("rollgate.releases");

    @Override
    public Mono<Void> publish(Release release, ReleaseEvent event) {
        return Mono.fromRunnable(() -> log.info("{}/{} {} [{}] {} by {}: {}", release.application(),
                release.environment(), release.version(), release.id(), event.type(), event.actor(), event.reason()));
    }
}
