package dev.rollgate.controlplane.platform.kubernetes;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/**
 * The Services of a target, as pure functions: {@code <app>-stable} / {@code <app>-canary} select one track's pods
 * (smoke checks and Gateway API backendRefs call them), {@code <app>} is what clients call and {@code <app>-preview}
 * shows the candidate before it takes traffic.
 */
public final class ServiceSpec {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** On {@code <app>}: the selector Rollgate last wrote ({@code stable}, {@code canary} or {@code both}). */
    public static final String ROUTE_ANNOTATION = "rollgate.dev/route";
    public static final String BOTH = "both";

    private ServiceSpec() {
    }

    public static String trackName(Target target, Track track) {
        return target.application() + "-" + track.id();
    }

    public static String mainName(Target target) {
        return target.application();
    }

    public static String previewName(Target target) {
        return target.application() + "-preview";
    }

    /** Both tracks' pods when {@code track} is null, else that track's. */
    public static Map<String, String> selector(Target target, Track track) {
        return track == null ? Map.of("app", target.application()) : DeploymentSpec.selector(target, track);
    }

    /** The value of {@link #ROUTE_ANNOTATION} for a selector of {@code track}, null meaning both. */
    public static String route(Track track) {
        return track == null ? BOTH : track.id();
    }

    /** {@code <app>-<track>}, selecting that track only. */
    public static Service track(Target target, Track track, KubernetesProperties options) {
        Map<String, String> labels = labels(target);
        labels.put("track", track.id());
        return service(target, trackName(target, track), labels, Map.of(), selector(target, track), options);
    }

    /** {@code <app>}, selecting {@code track}'s pods, or both tracks' when null; says what Rollgate set. */
    public static Service main(Target target, Track track, KubernetesProperties options) {
        return service(target, mainName(target), labels(target), Map.of(ROUTE_ANNOTATION, route(track)),
                selector(target, track), options);
    }

    /** {@code <app>-preview}, selecting {@code track}'s pods. */
    public static Service preview(Target target, Track track, KubernetesProperties options) {
        return service(target, previewName(target), labels(target), Map.of(), selector(target, track), options);
    }

    private static Map<String, String> labels(Target target) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", target.application());
        labels.put("app", target.application());
        labels.put(MANAGED_BY, "rollgate");
        labels.put(DeploymentSpec.RELEASE_LABEL, DeploymentSpec.labelValue(target.environment()));
        return labels;
    }

    private static Service service(Target target, String name, Map<String, String> labels,
                                   Map<String, String> annotations, Map<String, String> selector,
                                   KubernetesProperties options) {
        return new ServiceBuilder()
                .withNewMetadata()
                    .withName(name).withNamespace(target.namespace())
                    .withLabels(labels).withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(selector)
                    .addNewPort().withName("http").withProtocol("TCP")
                        .withPort(options.environment(target.environment()).servicePort())
                        .withTargetPort(new IntOrString(DeploymentSpec.PORT))
                    .endPort()
                .endSpec()
                .build();
    }
}
