package dev.rollgate.controlplane.charts;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The chart {@code charts/control-plane} rendered in-process by helm-java, as release {@value #RELEASE} in namespace
 * {@value #NAMESPACE}, and read back as fabric8 objects.
 */
final class ControlPlaneChart {

    /** Surefire runs in the module directory; the chart lives at the repository's top. */
    static final Path DIR = Path.of("..", "charts", "control-plane");
    static final String RELEASE = "rollgate";
    static final String NAMESPACE = "rollgate";
    static final String FULLNAME = "rollgate-control-plane";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private ControlPlaneChart() {
    }

    /** The value files under {@code ci/}, each a way the chart is installed. */
    static Stream<Path> ciValues() {
        try (Stream<Path> files = Files.list(DIR.resolve("ci"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String render(Path valuesFile) {
        return command().withValuesFile(valuesFile).call();
    }

    /** With {@code values} (a tree, as a values file holds it) on top of the chart's defaults. */
    static String render(Map<String, Object> values) {
        try {
            Path file = Files.createTempFile("control-plane-values", ".yaml");
            try {
                Files.writeString(file, new Yaml().dump(values));
                return render(file);
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String renderWith(String key, Object value) {
        return command().set(key, value).call();
    }

    private static TemplateCommand command() {
        return new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE);
    }

    static List<HasMetadata> objects(String rendered) {
        Object parsed = SERIALIZATION.unmarshal(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8)));
        if (parsed instanceof List<?> list) {
            return list.stream().map(HasMetadata.class::cast).toList();
        }
        return List.of((HasMetadata) parsed);
    }

    static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> kind) {
        List<T> found = ofKind(objects, kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind.getSimpleName() + ", rendered " + found.size());
        }
        return found.get(0);
    }

    /**
     * Where a fabric8 object holds fields its model does not know (a misspelt or misplaced key in a template, which
     * the API server would drop or refuse), as "path: [keys]".
     */
    static List<String> unknownFields(Object model, String path) {
        List<String> found = new ArrayList<>();
        walk(model, path, found);
        return found;
    }

    private static void walk(Object o, String path, List<String> found) {
        if (o instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", found);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, found));
            return;
        }
        if (o == null || o instanceof GenericKubernetesResource
                || !o.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || Modifier.isStatic(getter.getModifiers()) || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(o);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(getter + " on " + path, e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + extra.keySet());
                }
            } else {
                walk(value, path + "." + getter.getName().substring(3), found);
            }
        }
    }

    /** {@code override} over {@code base} as Helm merges a values file over the chart's: maps deeply, null deletes. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        override.forEach((key, value) -> {
            if (value == null) {
                merged.remove(key);
            } else if (value instanceof Map<?, ?> m && merged.get(key) instanceof Map<?, ?> b) {
                merged.put(key, merge((Map<String, Object>) b, (Map<String, Object>) m));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    /** Every leaf of a YAML tree by its dotted path. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> leaves(Map<String, Object> tree, String prefix) {
        Map<String, Object> all = new LinkedHashMap<>();
        tree.forEach((key, value) -> {
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> m && !m.isEmpty()) {
                all.putAll(leaves((Map<String, Object>) m, path));
            } else {
                all.put(path, value);
            }
        });
        return all;
    }

    static Map<String, Object> yaml(Path file) {
        try {
            Map<String, Object> tree = new Yaml().load(Files.readString(file));
            return tree == null ? Map.of() : tree;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A values tree, built from alternating keys and values. */
    static Map<String, Object> tree(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
