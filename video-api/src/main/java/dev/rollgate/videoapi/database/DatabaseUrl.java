package dev.rollgate.videoapi.database;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The spec's {@code DATABASE_URL} ({@code postgresql://user:password@host:5432/db?sslmode=require}, §3.5) as the
 * JDBC and R2DBC settings Spring needs. Pure. The password never appears in a message.
 */
public record DatabaseUrl(String host, int port, String database, String user, String password,
                          Map<String, String> parameters) {

    public DatabaseUrl {
        parameters = Map.copyOf(parameters);
    }

    public static DatabaseUrl parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("DATABASE_URL is empty");
        }
        String url = value.strip();
        if (url.startsWith("jdbc:")) {
            url = url.substring("jdbc:".length());
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("DATABASE_URL is not a URL (" + redact(value) + "): " + e.getReason());
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("DATABASE_URL must start with postgresql:// (got " + redact(value) + ")");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("DATABASE_URL names no host (" + redact(value) + ")");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        if (path.isEmpty() || path.contains("/")) {
            throw new IllegalArgumentException("DATABASE_URL must name one database after the host (" + redact(value)
                    + ")");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        return new DatabaseUrl(uri.getHost(), uri.getPort() == -1 ? 5432 : uri.getPort(), decode(path), user, password,
                query(uri.getRawQuery()));
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + query(parameters);
    }

    /** r2dbc-postgresql spells libpq's {@code sslmode} as {@code sslMode}; other parameters pass as they are. */
    public String r2dbcUrl() {
        Map<String, String> r2dbc = new LinkedHashMap<>();
        parameters.forEach((k, v) -> r2dbc.put(k.equals("sslmode") ? "sslMode" : k, v));
        return "r2dbc:postgresql://" + host + ":" + port + "/" + database + query(r2dbc);
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + host + ":" + port + "/" + database + ", user=" + user + ", password="
                + (password == null ? "none" : "***") + "]";
    }

    private static String query(Map<String, String> parameters) {
        return parameters.isEmpty() ? "" : parameters.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&", "?", ""));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                parameters.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return parameters;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The URL without its password, for messages. */
    static String redact(String value) {
        // Everything between "//" and the last "@": a password may hold '/', '@' or ':' unencoded.
        int start = value.indexOf("//");
        int at = value.lastIndexOf('@');
        return start < 0 || at < start ? value : value.substring(0, start + 2) + "***" + value.substring(at);
    }
}
