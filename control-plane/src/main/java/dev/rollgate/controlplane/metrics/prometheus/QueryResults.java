package dev.rollgate.controlplane.metrics.prometheus;

import java.util.OptionalDouble;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an answer of the Prometheus HTTP API's instant query ({@code /api/v1/query}). Only a number is an
 * answer: an empty vector, NaN or an infinity means "no data", which must never be taken for a healthy zero;
 * anything Prometheus or the wire got wrong is a {@link PrometheusException} carrying Prometheus's own message.
 */
final class QueryResults {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int EXCERPT = 200;

    private QueryResults() {
    }

    /** The single value of the answer, or empty when Prometheus has no (finite) value. */
    static OptionalDouble value(int status, String body) {
        JsonNode root = parse(status, body);
        String outcome = root.path("status").asString("");
        if ("error".equals(outcome)) {
            throw new PrometheusException(http(status) + root.path("errorType").asString("error") + ": "
                    + root.path("error").asString("(no message)"));
        }
        if (status < 200 || status > 299) {
            throw new PrometheusException("HTTP " + status + ": " + excerpt(body));
        }
        if (!"success".equals(outcome)) {
            throw new PrometheusException("malformed answer: status is '" + outcome + "', expected success");
        }
        JsonNode data = root.path("data");
        String type = data.path("resultType").asString("");
        JsonNode result = data.path("result");
        switch (type) {
            case "vector":
                if (!result.isArray()) {
                    throw new PrometheusException("malformed answer: vector result is not an array");
                }
                if (result.size() == 0) {
                    return OptionalDouble.empty();
                }
                if (result.size() > 1) {
                    throw new PrometheusException("the query returned " + result.size() + " series, a gate needs"
                            + " one number: aggregate it, e.g. sum(...)");
                }
                return number(result.path(0).path("value"));
            case "scalar":
                return number(result);
            default:
                throw new PrometheusException("the query returned a " + (type.isEmpty() ? "result without type" : type)
                        + ", a gate needs an instant vector or a scalar");
        }
    }

    /** The version in a {@code /api/v1/status/buildinfo} answer. */
    static String buildVersion(int status, String body) {
        JsonNode root = parse(status, body);
        if (status < 200 || status > 299 || !"success".equals(root.path("status").asString(""))) {
            throw new PrometheusException(http(status) + root.path("error").asString(excerpt(body)));
        }
        return root.path("data").path("version").asString("unknown");
    }

    private static JsonNode parse(int status, String body) {
        try {
            JsonNode root = JSON.readTree(body == null ? "" : body);
            if (root == null || !root.isObject()) {
                throw new PrometheusException(http(status) + "malformed answer, not a JSON object: " + excerpt(body));
            }
            return root;
        } catch (JacksonException e) {
            // A proxy in front of Prometheus answers errors in text or HTML: then its status says what happened.
            throw new PrometheusException(status >= 200 && status <= 299
                    ? "malformed answer, not JSON: " + excerpt(body) : "HTTP " + status + ": " + excerpt(body));
        }
    }

    /** A sample is [timestamp, "value"]: the value travels as a string so NaN and ±Inf fit in JSON. */
    private static OptionalDouble number(JsonNode sample) {
        if (!sample.isArray() || sample.size() != 2 || !sample.path(1).isString()) {
            throw new PrometheusException("malformed answer: a sample must be [time, \"value\"], got " + sample);
        }
        String text = sample.path(1).stringValue();
        switch (text) {
            case "NaN":
            case "+Inf":
            case "-Inf":
            case "Inf":
                return OptionalDouble.empty();
            default:
                try {
                    double v = Double.parseDouble(text);
                    return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
                } catch (NumberFormatException e) {
                    throw new PrometheusException("malformed answer: sample value '" + text + "' is not a number");
                }
        }
    }

    private static String http(int status) {
        return status >= 200 && status <= 299 ? "" : "HTTP " + status + ": ";
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String flat = body.strip().replaceAll("\\s+", " ");
        return flat.length() <= EXCERPT ? flat : flat.substring(0, EXCERPT) + "...";
    }
}
