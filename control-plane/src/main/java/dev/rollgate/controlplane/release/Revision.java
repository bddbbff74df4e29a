package dev.rollgate.controlplane.release;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** What a track runs: version, optional image and the environment entries given to the workload. */
public record Revision(String version, String image, Map<String, String> config) {
    public Revision {
        config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(config));
    }

    /**
     * A short hash of everything the workload gets, so the platform can report which revision it runs and a
     * configuration-only change under the same version label is told apart. Stable across JVMs and releases.
     */
    public String digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            feed(sha, version);
            feed(sha, image);
            config.forEach((k, v) -> {
                feed(sha, k);
                feed(sha, v);
            });
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void feed(MessageDigest sha, String part) {
        // A length prefix keeps ("ab","c") and ("a","bc") apart; null differs from "".
        byte[] bytes = part == null ? new byte[0] : part.getBytes(StandardCharsets.UTF_8);
        sha.update((byte) (part == null ? 0 : 1));
        sha.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }
}
