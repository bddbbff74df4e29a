package dev.rollgate.controlplane.release;

import java.util.Map;
import java.util.TreeMap;

/** What a track runs: version, optional image and the environment entries given to the workload. */
public record Revision(String version, String image, Map<String, String> config) {
    public Revision {
        config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(config));
    }
}
