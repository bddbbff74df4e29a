package dev.rollgate.controlplane.platform.local;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One Rollgate per database runs the local platform (its processes and front ports): the one holding a
 * session-level PostgreSQL advisory lock on a connection of its own, kept for the process's life. PostgreSQL frees
 * the lock when that session ends, so a holder that dies (even by {@code kill -9}) hands over without a TTL. A
 * replica that finds the lock taken starts none of the local platform, says who holds it, keeps serving the API and
 * console for the other platforms, and tries again every {@code retry}: it takes over within that interval of the
 * holder going away.
 */
public class LocalPlatformLock implements SmartLifecycle {

    /** Starts before every part of the local platform and stops after them. */
    public static final int PHASE = LocalRouter.PHASE - 1;
    static final long LOCK_CLASS = 0x524c4754L; // "RLGT"
    static final long LOCK_ID = 1;
    private static final Logger log = LoggerFactory.getLogger(LocalPlatformLock.class);
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(5);
    /** PostgreSQL keeps 63 bytes of an application_name. */
    private static final int NAME_LIMIT = 63;

    private final ConnectionFactory factory;
    private final boolean needed;
    private final String identity;
    private final Duration retry;
    private final Supplier<List<? extends SmartLifecycle>> parts;
    private final Runnable afterTakeOver;
    private volatile Connection connection;
    /** The lock is this session's: the parts may start. */
    private volatile boolean acquired;
    /** Acquired and the parts started: releases and restores may use the platform. */
    private volatile boolean held;
    private volatile String otherHolder;
    /** The last attempt could not reach the database, as opposed to finding the lock taken. */
    private volatile boolean unreachable;
    private volatile Disposable retrying;
    private volatile boolean running;

    /**
     * @param needed        false when no environment uses the local platform: nothing to own, no lock taken
     * @param identity      how other replicas name this one when they find the lock taken (instance, host, pid)
     * @param parts         what runs the local platform: each starts with the context only if the lock is held then,
     *                      and this starts them (in phase order) on a take-over
     * @param afterTakeOver run after the parts start on a take-over (not at start: the context does that then)
     */
    public LocalPlatformLock(ConnectionFactory factory, boolean needed, String identity, Duration retry,
                             Supplier<List<? extends SmartLifecycle>> parts, Runnable afterTakeOver) {
        this.factory = unpooled(factory);
        this.needed = needed;
        this.identity = identity;
        this.retry = retry;
        this.parts = parts;
        this.afterTakeOver = afterTakeOver;
    }

    /** True while this process runs the local platform. */
    public boolean held() {
        return held;
    }

    /** Whether a part may start: the lock is held, though on a take-over the parts are not all started yet. */
    boolean mayRun() {
        return acquired;
    }

    /** Why this replica does not run the local platform, or empty when it does. */
    public Optional<String> standbyReason() {
        if (held) {
            return Optional.empty();
        }
        String other = otherHolder;
        return Optional.of("the local platform is run by another Rollgate on this database: "
                + (other == null ? "holder unknown" : other));
    }

    @Override
    public synchronized void start() {
        running = true;
        if (!needed) {
            acquired = true;
            held = true;
            return;
        }
        if (attempt()) {
            // The parts start with the context, after this (their phases are higher) and before anything uses them.
            held = true;
        } else {
            log.warn("{}. This replica starts no local processes nor front ports, serves the API and console for"
                    + " the other platforms, and takes over within {} of that holder going away",
                    standbyReason().orElseThrow(), retry);
        }
        retrying = Flux.interval(retry, retry, Schedulers.boundedElastic()).onBackpressureDrop()
                .subscribe(n -> retry());
    }

    /** One round of the loop: the holder checks it still holds, a standby tries to take over. */
    synchronized void retry() {
        if (!running || !needed) {
            return;
        }
        if (held) {
            checkStillHeld();
            return;
        }
        if (attempt()) {
            log.info("the local platform's previous holder is gone: {} takes it over", identity);
            startParts();
            held = true;
            afterTakeOver.run();
        }
    }

    /**
     * A holder whose database session ended (PostgreSQL restarted, the connection cut) no longer holds the lock:
     * it takes it again on a new session if it can, and otherwise stops its part of the platform, since another
     * replica now runs it.
     */
    private void checkStillHeld() {
        try {
            if (connection != null && Boolean.TRUE.equals(single(connection, "select count(*) > 0 as v from pg_locks"
                    + " where locktype = 'advisory' and granted and objsubid = 2 and pid = pg_backend_pid()"
                    + " and classid::bigint = " + LOCK_CLASS + " and objid::bigint = " + LOCK_ID))) {
                return;
            }
        } catch (RuntimeException e) {
            log.warn("the local platform's lock session is gone ({}); taking the lock again", e.toString());
        }
        closeConnection();
        if (attempt()) {
            log.info("{} holds the local platform again on a new database session", identity);
            return;
        }
        if (unreachable) {
            // The database cannot say who holds it: keep serving rather than stop on a guess.
            acquired = true;
            return;
        }
        held = false;
        log.error("{} lost the local platform's lock: {}. Stopping its local processes and front ports",
                identity, standbyReason().orElseThrow());
        parts.get().stream().sorted(Comparator.comparingInt(SmartLifecycle::getPhase).reversed())
                .filter(SmartLifecycle::isRunning).forEach(SmartLifecycle::stop);
    }

    /** One try at the lock; false (never an error) when it is taken or the database cannot be reached. */
    private boolean attempt() {
        try {
            if (connection == null) {
                connection = Mono.from(factory.create()).block(DB_TIMEOUT);
                single(connection, "select set_config('application_name', $1, false) as v",
                        identity.length() > NAME_LIMIT ? identity.substring(0, NAME_LIMIT) : identity);
            }
            acquired = Boolean.TRUE.equals(single(connection, "select pg_try_advisory_lock("
                    + LOCK_CLASS + "::int, " + LOCK_ID + "::int) as v"));
            otherHolder = acquired ? null : describeHolder();
            unreachable = false;
            return acquired;
        } catch (RuntimeException e) {
            log.warn("cannot ask PostgreSQL who runs the local platform: {}", e.toString());
            closeConnection();
            acquired = false;
            otherHolder = null;
            unreachable = true;
            return false;
        }
    }

    private String describeHolder() {
        Object who = single(connection, "select coalesce(a.application_name, '') || ' (backend pid ' || a.pid"
                + " || coalesce(', from ' || host(a.client_addr), '') || ', since ' || a.backend_start || ')' as v"
                + " from pg_locks l join pg_stat_activity a on a.pid = l.pid"
                + " where l.locktype = 'advisory' and l.granted and l.objsubid = 2"
                + " and l.classid::bigint = " + LOCK_CLASS + " and l.objid::bigint = " + LOCK_ID
                + " and l.database = (select oid from pg_database where datname = current_database())");
        return who == null ? null : who.toString();
    }

    private static Object single(Connection connection, String sql, Object... binds) {
        var statement = connection.createStatement(sql);
        for (int i = 0; i < binds.length; i++) {
            statement.bind(i, binds[i]);
        }
        return Flux.from(statement.execute()).concatMap(r -> r.map((row, meta) -> Optional.ofNullable(row.get("v"))))
                .next().block(DB_TIMEOUT).orElse(null);
    }

    private void startParts() {
        parts.get().stream().sorted(Comparator.comparingInt(SmartLifecycle::getPhase))
                .filter(p -> !p.isRunning()).forEach(SmartLifecycle::start);
    }

    @Override
    public synchronized void stop() {
        running = false;
        Disposable current = retrying;
        if (current != null) {
            current.dispose();
            retrying = null;
        }
        // The parts stopped before (their phases are higher); closing the session frees the lock at once.
        held = false;
        acquired = false;
        closeConnection();
    }

    private void closeConnection() {
        Connection current = connection;
        connection = null;
        if (current != null) {
            Mono.from(current.close()).onErrorComplete().block(DB_TIMEOUT);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** A pooled connection would go back to the pool (lock and all) or be evicted: the lock wants its own. */
    private static ConnectionFactory unpooled(ConnectionFactory factory) {
        ConnectionFactory current = factory;
        while (current instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionFactory inner
                && inner != current) {
            current = inner;
        }
        return current;
    }
}
