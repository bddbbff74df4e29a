package dev.rollgate.controlplane.intake.api;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.core.ResolvableType;
import org.springframework.core.codec.AbstractDataBufferDecoder;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.util.MimeType;

import dev.rollgate.controlplane.release.ReleaseProblem.FieldProblem;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads the API's request bodies (the records in {@link Requests}) strictly, and only those: a field the record
 * does not have, a number where text is expected, a duplicate key are refused with every bad field named, where
 * the shared mapper would guess. Other JSON (webhooks, Slack, the console) keeps the lenient shared mapper.
 */
final class StrictBodyDecoder extends AbstractDataBufferDecoder<Object> {

    private final JsonMapper mapper;

    StrictBodyDecoder(JsonMapper shared) {
        super(MediaType.APPLICATION_JSON);
        this.mapper = shared.rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    @Override
    public boolean canDecode(ResolvableType type, MimeType mimeType) {
        Class<?> raw = type.resolve();
        return raw != null && raw.isRecord() && raw.getEnclosingClass() == Requests.class
                && super.canDecode(type, mimeType);
    }

    @Override
    public Object decode(DataBuffer buffer, ResolvableType targetType, MimeType mimeType, Map<String, Object> hints) {
        byte[] bytes;
        try {
            bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
        } finally {
            DataBufferUtils.release(buffer);
        }
        Class<?> type = targetType.toClass();
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (JacksonException e) {
            throw IntakeRefusal.badInput("Invalid request body", List.of(new FieldProblem("body", "is not valid JSON" + where(e) + ": "
                    + e.getOriginalMessage())));
        }
        if (tree == null || tree.isMissingNode()) {
            throw IntakeRefusal.badInput("Invalid request body", List.of(new FieldProblem("body", "is empty; send a JSON object")));
        }
        List<FieldProblem> problems = shapeProblems(tree, type);
        if (!problems.isEmpty()) {
            throw IntakeRefusal.badInput("Invalid request body", problems);
        }
        try {
            return mapper.treeToValue(tree, type);
        } catch (JacksonException e) {
            // The shape was checked above; this is a backstop that still names the field.
            String field = e.getPath().isEmpty() ? "body" : String.join(".", e.getPath().stream()
                    .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]").toList());
            throw IntakeRefusal.badInput("Invalid request body", List.of(new FieldProblem(field, e.getOriginalMessage())));
        }
    }

    /** Every unknown field and every value of the wrong JSON type, so one correction fixes them all. */
    static List<FieldProblem> shapeProblems(JsonNode tree, Class<?> type) {
        List<FieldProblem> problems = new ArrayList<>();
        if (!tree.isObject()) {
            problems.add(new FieldProblem("body", "must be a JSON object, not " + kind(tree)));
            return problems;
        }
        RecordComponent[] components = type.getRecordComponents();
        List<String> known = Arrays.stream(components).map(RecordComponent::getName).toList();
        for (var entry : tree.properties()) {
            String name = entry.getKey();
            JsonNode value = entry.getValue();
            RecordComponent component = Arrays.stream(components).filter(c -> c.getName().equals(name))
                    .findFirst().orElse(null);
            if (component == null) {
                problems.add(new FieldProblem(shorten(name), "is an unknown field; the known fields are "
                        + String.join(", ", known)));
            } else if (!value.isNull()) {
                typeProblem(name, value, component.getType(), component.getGenericType(), problems);
            }
        }
        return problems;
    }

    private static void typeProblem(String field, JsonNode value, Class<?> type, Type generic,
                                    List<FieldProblem> problems) {
        if (type == String.class && !value.isString()) {
            problems.add(new FieldProblem(field, "must be a string, not " + kind(value)));
        } else if (type == UUID.class) {
            if (!value.isString()) {
                problems.add(new FieldProblem(field, "must be a release id (a UUID string), not " + kind(value)));
            } else if (!isUuid(value.stringValue())) {
                problems.add(new FieldProblem(field, "must be a release id (a UUID such as "
                        + "3f0c2b9e-5d4a-4c1e-9b7a-1d2e3f4a5b6c), not '" + shorten(value.stringValue()) + "'"));
            }
        } else if (type == Map.class) {
            if (!value.isObject()) {
                problems.add(new FieldProblem(field, "must be an object of string values, not " + kind(value)));
                return;
            }
            Type valueType = generic instanceof ParameterizedType p ? p.getActualTypeArguments()[1] : Object.class;
            for (var entry : value.properties()) {
                if (valueType == String.class && !entry.getValue().isString()) {
                    problems.add(new FieldProblem(field + "." + shorten(entry.getKey()),
                            "value must be a string, not " + kind(entry.getValue())));
                }
            }
        }
    }

    private static boolean isUuid(String s) {
        try {
            return UUID.fromString(s).toString().equalsIgnoreCase(s);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String kind(JsonNode node) {
        if (node.isNumber()) {
            return "a number (" + shorten(node.toString()) + ")";
        }
        if (node.isBoolean()) {
            return "a boolean (" + node + ")";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isString()) {
            return "a string";
        }
        return "null";
    }

    private static String where(JacksonException e) {
        var at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
