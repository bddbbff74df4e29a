package dev.rollgate.controlplane.security.console;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.WebSessionStore;

import reactor.core.publisher.Mono;

/**
 * Console sessions in PostgreSQL ({@code console_sessions}), so any replica serves a session another one started
 * and a logout on one ends it on all. Every request reads its session and moves its expiry in one statement; the
 * attributes are written only when they changed. A session no request touched for its idle time is gone for
 * good; {@link #deleteExpired} removes its row. A session nobody signed in to (a visit to the login page, a
 * saved request) lasts at most {@link #ANONYMOUS_IDLE}, so anonymous traffic cannot fill the table for hours.
 */
public final class DatabaseWebSessionStore implements WebSessionStore {

    private static final Logger log = LoggerFactory.getLogger(DatabaseWebSessionStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final Duration ANONYMOUS_IDLE = Duration.ofHours(1);
    private static final String SIGNED_IN = WebSessionServerSecurityContextRepository
            .DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME;

    private final DatabaseClient db;
    private final Clock clock;
    private final Duration maxIdleTime;

    public DatabaseWebSessionStore(DatabaseClient db, Clock clock, Duration maxIdleTime) {
        this.db = db;
        this.clock = clock;
        this.maxIdleTime = maxIdleTime;
    }

    @Override
    public Mono<WebSession> createWebSession() {
        return Mono.fromSupplier(() -> new StoredSession(newId(), null, new ConcurrentHashMap<>(), clock.instant(),
                clock.instant(), maxIdleTime, null));
    }

    @Override
    public Mono<WebSession> retrieveSession(String id) {
        Instant now = clock.instant();
        return db.sql("update console_sessions set last_access_at = :now,"
                        + " expires_at = :now + make_interval(secs => max_idle_secs)"
                        + " where id = :id and expires_at > :now"
                        + " returning attributes, created_at")
                .bind("id", id).bind("now", now)
                .map(row -> new Row(row.get("attributes", byte[].class), row.get("created_at", Instant.class)))
                .first()
                .flatMap(row -> {
                    try {
                        Map<String, Object> attributes = new ConcurrentHashMap<>(SessionAttributes.decode(row.bytes()));
                        // The configured idle time, not the row's: a visit's hour must not stick after login.
                        return Mono.<WebSession>just(new StoredSession(id, id, attributes, row.created(), now,
                                maxIdleTime, row.bytes()));
                    } catch (IOException e) {
                        // Written by an older version, or not by us: the person logs in again.
                        log.warn("dropping a console session that cannot be read: {}", e.toString());
                        return removeSession(id).then(Mono.<WebSession>empty());
                    }
                });
    }

    @Override
    public Mono<Void> removeSession(String id) {
        return db.sql("delete from console_sessions where id = :id").bind("id", id).then();
    }

    @Override
    public Mono<WebSession> updateLastAccessTime(WebSession session) {
        // The database row moved when the session was retrieved; this is the in-memory copy's view of it.
        if (session instanceof StoredSession stored) {
            stored.lastAccessTime = clock.instant();
        }
        return Mono.just(session);
    }

    /** Removes sessions past their idle time; returns how many. */
    public Mono<Long> deleteExpired() {
        return db.sql("delete from console_sessions where expires_at <= :now").bind("now", clock.instant())
                .fetch().rowsUpdated();
    }

    private static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private record Row(byte[] bytes, Instant created) {
    }

    private enum State { NEW, STARTED, INVALID }

    private final class StoredSession implements WebSession {

        private final Map<String, Object> attributes;
        private final Instant creationTime;
        private volatile String id;
        /** The id of this session's row, null until it is first saved. */
        private volatile String storedId;
        private volatile byte[] storedBytes;
        private volatile Instant lastAccessTime;
        private volatile Duration maxIdleTime;
        private volatile boolean idleTimeChanged;
        private volatile State state;

        StoredSession(String id, String storedId, Map<String, Object> attributes, Instant creationTime,
                      Instant lastAccessTime, Duration maxIdleTime, byte[] storedBytes) {
            this.id = id;
            this.storedId = storedId;
            this.attributes = attributes;
            this.creationTime = creationTime;
            this.lastAccessTime = lastAccessTime;
            this.maxIdleTime = maxIdleTime;
            this.storedBytes = storedBytes;
            this.state = storedId == null ? State.NEW : State.STARTED;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public Map<String, Object> getAttributes() {
            return attributes;
        }

        @Override
        public void start() {
            if (state == State.NEW) {
                state = State.STARTED;
            }
        }

        @Override
        public boolean isStarted() {
            return state == State.STARTED || (state == State.NEW && !attributes.isEmpty());
        }

        /** A new id on login (session fixation); the row moves at the next save. */
        @Override
        public Mono<Void> changeSessionId() {
            return Mono.fromRunnable(() -> id = newId());
        }

        @Override
        public Mono<Void> invalidate() {
            state = State.INVALID;
            attributes.clear();
            String stored = storedId;
            return db.sql("delete from console_sessions where id = :id or id = :stored").bind("id", id)
                    .bind("stored", stored == null ? id : stored).then();
        }

        @Override
        public Mono<Void> save() {
            return Mono.defer(() -> {
                if (state == State.INVALID) {
                    return Mono.empty();
                }
                start();
                if (!isStarted()) {
                    return Mono.empty();
                }
                byte[] bytes = SessionAttributes.encode(attributes);
                long idle = (attributes.containsKey(SIGNED_IN) || maxIdleTime.compareTo(ANONYMOUS_IDLE) < 0
                        ? maxIdleTime : ANONYMOUS_IDLE).toSeconds();
                String stored = storedId;
                String current = id;
                if (current.equals(stored)) {
                    if (Arrays.equals(bytes, storedBytes) && !idleTimeChanged) {
                        return Mono.empty();
                    }
                    // An update, never an insert: a session logged out meanwhile on another replica stays out.
                    return db.sql("update console_sessions set attributes = :attributes, max_idle_secs = :idle,"
                                    + " expires_at = last_access_at + make_interval(secs => :idle) where id = :id")
                            .bind("id", current).bind("attributes", bytes).bind("idle", idle)
                            .then().doOnSuccess(done -> saved(bytes));
                }
                Instant now = clock.instant();
                Mono<Void> dropOld = stored == null ? Mono.empty() : removeSession(stored);
                return dropOld.then(db.sql("insert into console_sessions (id, attributes, created_at,"
                                + " last_access_at, max_idle_secs, expires_at) values (:id, :attributes, :created, :now,"
                                + " :idle, :now + make_interval(secs => :idle))")
                        .bind("id", current).bind("attributes", bytes).bind("created", creationTime)
                        .bind("now", now).bind("idle", idle)
                        .then()).doOnSuccess(done -> {
                            storedId = current;
                            saved(bytes);
                        });
            });
        }

        private void saved(byte[] bytes) {
            storedBytes = bytes;
            idleTimeChanged = false;
        }

        @Override
        public boolean isExpired() {
            return state == State.INVALID
                    || (!maxIdleTime.isNegative() && clock.instant().isAfter(lastAccessTime.plus(maxIdleTime)));
        }

        @Override
        public Instant getCreationTime() {
            return creationTime;
        }

        @Override
        public Instant getLastAccessTime() {
            return lastAccessTime;
        }

        @Override
        public void setMaxIdleTime(Duration maxIdleTime) {
            this.maxIdleTime = maxIdleTime;
            this.idleTimeChanged = true;
        }

        @Override
        public Duration getMaxIdleTime() {
            return maxIdleTime;
        }
    }
}
