package dev.rollgate.controlplane.platform.kubernetes;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Someone else's change that a route overwrote before {@code foreignChange} saw it. The engine reads
 * {@code foreignChange} first and routes after, with separate reads: an edit landing between the two would be put
 * back with no record at all. So a router notes what it overwrites and the next {@code foreignChange} reports it;
 * a change that {@code foreignChange} already reported from the same resourceVersion is not reported twice.
 */
final class OverwrittenChanges {

    private record Noted(String resourceVersion, String change) {
    }

    private final Map<String, Noted> overwritten = new ConcurrentHashMap<>();
    private final Map<String, String> reportedAt = new ConcurrentHashMap<>();

    /** A route replaced the object at {@code resourceVersion}, which had {@code change} (empty: it was Rollgate's). */
    void overwrote(String key, String resourceVersion, Optional<String> change) {
        if (change.isPresent() && (resourceVersion == null || !resourceVersion.equals(reportedAt.get(key)))) {
            overwritten.put(key, new Noted(resourceVersion, change.get()));
        }
    }

    /**
     * What to report now: a change overwritten since the last report, then what a look at {@code resourceVersion}
     * shows ({@code fresh}) unless that version was reported already. Looks come from an informer, which may show
     * the same version for several ticks after a route replaced it: each version of someone else's change is
     * reported once.
     */
    Optional<String> report(String key, String resourceVersion, Optional<String> fresh) {
        Noted noted = overwritten.remove(key);
        String reported = reportedAt.get(key);
        boolean seenBefore = resourceVersion != null && (resourceVersion.equals(reported)
                || noted != null && resourceVersion.equals(noted.resourceVersion()));
        Optional<String> now = seenBefore ? Optional.empty() : fresh;
        if (now.isPresent() && resourceVersion != null) {
            reportedAt.put(key, resourceVersion);
        } else if (noted != null && noted.resourceVersion() != null) {
            reportedAt.put(key, noted.resourceVersion());
        }
        if (noted == null) {
            return now;
        }
        return Optional.of(now.map(f -> noted.change() + "; then " + f).orElse(noted.change()));
    }
}
