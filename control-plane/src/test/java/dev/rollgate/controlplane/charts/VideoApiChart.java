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
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The chart {@code charts/video-api} as its tests use it: rendered, linted, its values files and versions. */
final class VideoApiChart {

    /** surefire runs in the control-plane module, beside which the charts live. */
    static final Path DIR = Path.of("..", "charts", "video-api").toAbsolutePath().normalize();
    static final String NAMESPACE = "video-production";
    static final String RELEASE = "video-api";
    /**
     * helm-java's Helm library is built without the Kubernetes version Helm's own builds carry, so templates would
     * see v1.20 and the chart's kubeVersion (>=1.23) would refuse them; a cluster's own version applies on install.
     */
    static final String KUBE_VERSION = "1.31.0";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private VideoApiChart() {
    }

    /** The values files under ci/, which lint and render like any user's. */
    static List<Path> ciValuesFiles() {
        try (Stream<Path> files = Files.list(DIR.resolve("ci"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path ci(String name) {
        return DIR.resolve("ci").resolve(name);
    }

    /** {@code helm template} with a values file (null for none) and {@code --set key=value} pairs. */
    static String template(Path valuesFile, Map<String, ?> sets) {
        TemplateCommand template = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, ?> set : sets.entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        return template.call();
    }

    static List<HasMetadata> render(Path valuesFile, Map<String, ?> sets) {
        return parse(template(valuesFile, sets));
    }

    static List<HasMetadata> render(Map<String, ?> sets) {
        return render(null, sets);
    }

    /** Every document of a multi-document YAML stream, typed where fabric8 knows the kind, generic otherwise. */
    static List<HasMetadata> parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        if (parsed instanceof List<?> list) {
            return list.stream().map(HasMetadata.class::cast).toList();
        }
        return parsed == null ? List.of() : List.of((HasMetadata) parsed);
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
        List<T> found = all(objects, type).stream().filter(o -> name.equals(o.getMetadata().getName())).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " " + name + ", rendered "
                    + objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList());
        }
        return found.get(0);
    }

    static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The generic objects of one kind (Istio, Prometheus Operator: kinds fabric8 has no model of here). */
    static List<io.fabric8.kubernetes.api.model.GenericKubernetesResource> generic(List<HasMetadata> objects,
                                                                                     String kind) {
        return all(objects, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class).stream()
                .filter(o -> kind.equals(o.getKind())).toList();
    }

    /**
     * {@code helm lint --strict -f valuesFile}. helm-java's lint takes no values file, so the chart is copied with
     * the file coalesced into its values.yaml the way Helm coalesces them (maps merge, anything else replaces).
     */
    static LintResult lint(Path valuesFile) {
        try {
            Path copy = Files.createTempDirectory("video-api-chart");
            try (Stream<Path> tree = Files.walk(DIR)) {
                for (Path p : tree.toList()) {
                    Path target = copy.resolve(DIR.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                }
            }
            if (valuesFile != null) {
                Yaml yaml = new Yaml();
                Map<String, Object> values = yaml.load(Files.readString(DIR.resolve("values.yaml")));
                Map<String, Object> overrides = yaml.load(Files.readString(valuesFile));
                Files.writeString(copy.resolve("values.yaml"), yaml.dump(coalesce(values, overrides)));
            }
            try {
                return new Helm(copy).lint().strict().call();
            } finally {
                try (Stream<Path> tree = Files.walk(copy)) {
                    for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> coalesce(Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        if (overrides != null) {
            overrides.forEach((k, v) -> merged.put(k, v instanceof Map<?, ?> m && base.get(k) instanceof Map<?, ?> b
                    ? coalesce((Map<String, Object>) b, (Map<String, Object>) m) : v));
        }
        return merged;
    }

    /** A field of Chart.yaml. */
    static String chartField(String field) {
        try {
            Map<String, Object> chart = new Yaml().load(Files.readString(DIR.resolve("Chart.yaml")));
            return String.valueOf(chart.get(field));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
