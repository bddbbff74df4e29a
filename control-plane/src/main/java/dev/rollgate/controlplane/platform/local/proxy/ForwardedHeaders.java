package dev.rollgate.controlplane.platform.local.proxy;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/** Header rules of a reverse proxy (RFC 9110 §7.6.1): what is per-connection and what the backend should learn. */
final class ForwardedHeaders {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te",
            "trailer", "upgrade", "proxy-connection", "proxy-authenticate", "proxy-authorization");

    private ForwardedHeaders() {
    }

    /** Copies end-to-end headers: hop-by-hop ones and those the Connection header names belong to one hop only. */
    static void copyEndToEnd(HttpHeaders from, HttpHeaders to) {
        Set<String> named = connectionTokens(from);
        for (Map.Entry<String, String> header : from) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !name.startsWith("proxy-") && !named.contains(name)) {
                to.add(header.getKey(), header.getValue());
            }
        }
    }

    static void addForwarded(HttpHeaders incoming, HttpHeaders outgoing, InetSocketAddress client) {
        if (client != null && client.getAddress() != null) {
            String address = client.getAddress().getHostAddress();
            String prior = incoming.get("X-Forwarded-For");
            outgoing.set("X-Forwarded-For", prior == null || prior.isBlank() ? address : prior + ", " + address);
        }
        if (!incoming.contains("X-Forwarded-Proto")) {
            outgoing.set("X-Forwarded-Proto", "http");
        }
        String host = incoming.get(HttpHeaderNames.HOST);
        if (host != null && !incoming.contains("X-Forwarded-Host")) {
            outgoing.set("X-Forwarded-Host", host);
        }
    }

    static boolean hasBody(HttpHeaders request) {
        if (request.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        String length = request.get(HttpHeaderNames.CONTENT_LENGTH);
        return length != null && !length.trim().equals("0");
    }

    private static Set<String> connectionTokens(HttpHeaders headers) {
        java.util.HashSet<String> tokens = new java.util.HashSet<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    tokens.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }
}
