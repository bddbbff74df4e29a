package dev.rollgate.controlplane.intake.slack;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's request signing: {@code X-Slack-Signature = v0=hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body))}
 * over the raw body, with {@code X-Slack-Request-Timestamp} no further than five minutes from now so a captured
 * request cannot be replayed later. Pure: the caller supplies "now".
 */
public final class SlackSignature {

    static final Duration TOLERANCE = Duration.ofMinutes(5);

    public enum Verdict { VALID, MISSING, MALFORMED, STALE, MISMATCH }

    private final byte[] secret;

    public SlackSignature(String signingSecret) {
        this.secret = signingSecret.getBytes(StandardCharsets.UTF_8);
    }

    public Verdict verify(String timestamp, String signature, byte[] body, Instant now) {
        if (timestamp == null || signature == null || timestamp.isBlank() || signature.isBlank()) {
            return Verdict.MISSING;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return Verdict.MALFORMED;
        }
        if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            return Verdict.STALE;
        }
        byte[] expected = sign(timestamp.trim(), body).getBytes(StandardCharsets.US_ASCII);
        // Constant time, so the answer's timing tells an attacker nothing about how much of a guess was right.
        return MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))
                ? Verdict.VALID : Verdict.MISMATCH;
    }

    public String sign(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
