package dev.rollgate.controlplane.security.console;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps the console's shared tables bounded: sessions past their idle time and failed-login counts nobody added
 * to for a day are deleted every few minutes, by whichever replicas are running (the deletes are idempotent).
 */
public class ConsoleStateCleaner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConsoleStateCleaner.class);
    private static final Duration EVERY = Duration.ofMinutes(5);

    private final DatabaseWebSessionStore sessions;
    private final DatabaseClient db;
    private final Clock clock;
    private volatile Disposable running;

    public ConsoleStateCleaner(DatabaseWebSessionStore sessions, DatabaseClient db, Clock clock) {
        this.sessions = sessions;
        this.db = db;
        this.clock = clock;
    }

    /** One pass; returns how many rows went (sessions plus failure counts). */
    public Mono<Long> clean() {
        return sessions.deleteExpired()
                .zipWith(LoginThrottle.forgetOld(db, clock.instant()), Long::sum)
                .onErrorResume(e -> {
                    log.warn("cleaning expired console sessions failed, will retry: {}", e.toString());
                    return Mono.just(0L);
                });
    }

    @Override
    public void start() {
        running = Flux.interval(Duration.ofMinutes(1), EVERY, Schedulers.parallel())
                .onBackpressureDrop()
                .concatMap(tick -> clean(), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable r = running;
        if (r != null) {
            r.dispose();
        }
        running = null;
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }
}
