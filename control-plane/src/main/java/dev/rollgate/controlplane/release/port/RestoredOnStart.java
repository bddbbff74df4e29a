package dev.rollgate.controlplane.release.port;

import java.util.List;
import java.util.Optional;

/**
 * A platform whose workloads may not outlive Rollgate (the local one, whose processes die with the machine): the
 * engine brings each of its targets back once Rollgate has started. A cluster keeps its own state and needs none.
 */
public interface RestoredOnStart {

    /** The targets to restore, once, after start: each one's last good revision on the track it is live on, all traffic there. */
    List<Target> targets();

    /** The version recorded as the first release of a target that never had one; empty for none. */
    Optional<String> bootstrapVersion();
}
