package dev.rollgate.controlplane.charts;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

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

    /** A values tree, built from alternating keys and values. */
    static Map<String, Object> tree(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
