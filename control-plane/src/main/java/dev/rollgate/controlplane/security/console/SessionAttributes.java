package dev.rollgate.controlplane.security.console;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a console session's attributes into bytes for the database and back. What the console keeps there is
 * Spring Security's (the security context, the CSRF token, the saved request, an OAuth2 authorization request),
 * all Java-serializable; reading accepts only those classes and the JDK's values and collections, so a row
 * written by anything else cannot make the control plane build arbitrary objects.
 */
final class SessionAttributes {

    private static final Logger log = LoggerFactory.getLogger(SessionAttributes.class);

    static final ObjectInputFilter ALLOWED = ObjectInputFilter.Config.createFilter(
            "maxdepth=32;maxrefs=10000;maxbytes=1048576;java.lang.*;java.util.**;java.time.**;java.net.URL;java.net.URI;"
                    + "org.springframework.security.**;dev.rollgate.controlplane.**;!*");

    private SessionAttributes() {
    }

    static byte[] encode(Map<String, Object> attributes) {
        HashMap<String, Serializable> kept = new HashMap<>();
        attributes.forEach((name, value) -> {
            if (value instanceof Serializable s) {
                kept.put(name, s);
            } else {
                // Kept in this replica's copy for this request only: say so rather than lose it silently.
                log.warn("console session attribute '{}' ({}) is not serializable and is not stored", name,
                        value == null ? null : value.getClass().getName());
            }
        });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(kept);
        } catch (IOException e) {
            throw new UncheckedIOException("console session attributes could not be serialized", e);
        }
        return bytes.toByteArray();
    }

    /** Throws {@link InvalidClassException} for a class outside the allowed ones. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> decode(byte[] bytes) throws IOException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(ALLOWED);
            Object read = in.readObject();
            if (!(read instanceof Map<?, ?> map)) {
                throw new InvalidClassException(String.valueOf(read == null ? null : read.getClass()),
                        "not a map of attributes");
            }
            return (Map<String, Object>) map;
        } catch (ClassNotFoundException e) {
            throw new InvalidClassException(e.getMessage());
        }
    }
}
