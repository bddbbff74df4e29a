package dev.rollgate.controlplane.release.persistence;

import java.util.Map;

import org.springframework.stereotype.Component;

import io.r2dbc.postgresql.codec.Json;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** jsonb columns to and from maps. */
@Component
public class JsonColumns {

    private static final TypeReference<Map<String, Object>> OBJECT_MAP = new TypeReference<>() { };
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

    private final JsonMapper mapper;

    public JsonColumns(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public Json write(Map<String, ?> value) {
        return Json.of(mapper.writeValueAsString(value == null ? Map.of() : value));
    }

    public Map<String, Object> readObject(String json) {
        return json == null ? Map.of() : mapper.readValue(json, OBJECT_MAP);
    }

    public Map<String, String> readStrings(String json) {
        return json == null ? null : mapper.readValue(json, STRING_MAP);
    }
}
