package dev.rollgate.controlplane.platform.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

/** The Deployment a track should be: a pure function of target, track, revision and the platform's options. */
public final class DeploymentSpec {

    public static final String REVISION_ANNOTATION = "rollgate.dev/revision";
    public static final String RELEASE_LABEL = "rollgate.dev/release";
    public static final int PORT = 8080;

    /** Rollgate sets these; a release's config may not replace them (the secrets, above all). */
    static final Set<String> RESERVED_ENV = Set.of("DATABASE_URL", "JWT_SECRET", "APP_VERSION", "PORT");

    private DeploymentSpec() {
    }

    public static String name(Target target, Track track) {
        return target.application() + "-" + track.id();
    }

    /** Only the labels that never change for a track: a Deployment's selector is immutable. */
    public static Map<String, String> selector(Target target, Track track) {
        return Map.of("app", target.application(), "track", track.id());
    }

    /**
     * @param applicationImage the application's image repository, used with the version as tag when the revision
     *                         names no image of its own
     */
    public static Deployment desired(Target target, Track track, Revision revision, String applicationImage,
                                     KubernetesProperties options) {
        return desired(target, track, revision, applicationImage, options,
                options.environment(target.environment()).replicas());
    }

    /** @param replicas {@code spec.replicas}, as {@link Replicas#desired} decides it */
    public static Deployment desired(Target target, Track track, Revision revision, String applicationImage,
                                     KubernetesProperties options, int replicas) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", target.application());
        labels.put("app", target.application());
        labels.put("track", track.id());
        labels.put("version", labelValue(revision.version()));
        // The environment marks the Deployment as Rollgate's; informers select on this label's presence.
        labels.put(RELEASE_LABEL, labelValue(target.environment()));
        Map<String, String> annotations = Map.of(REVISION_ANNOTATION, revision.digest());
        return new DeploymentBuilder()
                .withNewMetadata()
                    .withName(name(target, track)).withNamespace(target.namespace())
                    .withLabels(labels).withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                    .withReplicas(replicas)
                    .withProgressDeadlineSeconds((int) options.progressDeadline().toSeconds())
                    .withNewSelector().withMatchLabels(selector(target, track)).endSelector()
                    .withNewStrategy().withType("RollingUpdate")
                        .withNewRollingUpdate().withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(0))
                        .endRollingUpdate()
                    .endStrategy()
                    .withNewTemplate()
                        // The revision on the template too: a changed digest always rolls the pods.
                        .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                        .withNewSpec()
                            .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1001L).withRunAsGroup(1001L)
                                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                            .endSecurityContext()
                            .withContainers(container(target, revision, applicationImage, options))
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * A repository without a tag or digest (how applications name their image, and how releases that give none
     * carry it) runs the release's version as its tag; a full reference runs as given.
     */
    static String image(Revision revision, String applicationImage) {
        String image = revision.image() != null && !revision.image().isBlank() ? revision.image() : applicationImage;
        if (image == null || image.isBlank()) {
            throw AdapterException.permanent("no image for version " + revision.version()
                    + ": give the release an image or the application rollgate.applications.<name>.image");
        }
        if (image.contains("@") || image.substring(image.lastIndexOf('/') + 1).contains(":")) {
            return image;
        }
        if (!TAG.matcher(revision.version()).matches()) {
            throw AdapterException.permanent("version " + revision.version() + " is not a valid image tag for "
                    + image + ": give the release a full image reference");
        }
        return image + ":" + revision.version();
    }

    private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private static Container container(Target target, Revision revision, String applicationImage,
                                       KubernetesProperties o) {
        KubernetesProperties.Resources r = o.environment(target.environment()).resources();
        return new ContainerBuilder()
                .withName(target.application())
                .withImage(image(revision, applicationImage))
                .addNewPort().withName("http").withContainerPort(PORT).endPort()
                .withEnv(env(revision, o))
                .addNewEnvFrom().withNewConfigMapRef().withName(o.configMap()).endConfigMapRef().endEnvFrom()
                .withLivenessProbe(probe("/health", 30, 10, 5, 3))
                .withReadinessProbe(probe("/ready", 10, 5, 3, 3))
                .withNewResources()
                    .addToRequests("cpu", new Quantity(r.cpuRequest()))
                    .addToRequests("memory", new Quantity(r.memoryRequest()))
                    .addToLimits("cpu", new Quantity(r.cpuLimit()))
                    .addToLimits("memory", new Quantity(r.memoryLimit()))
                .endResources()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withRunAsNonRoot(true)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .build();
    }

    private static List<EnvVar> env(Revision revision, KubernetesProperties o) {
        List<EnvVar> env = new ArrayList<>();
        // Revision.config is sorted, so the same revision always gives the same list (and no spurious update).
        revision.config().forEach((k, v) -> {
            if (!RESERVED_ENV.contains(k)) {
                env.add(new EnvVar(k, v, null));
            }
        });
        env.add(new EnvVar("APP_VERSION", revision.version(), null));
        env.add(new EnvVar("PORT", Integer.toString(PORT), null));
        env.add(secretRef("DATABASE_URL", o.databaseSecret(), o.databaseSecretKey()));
        env.add(secretRef("JWT_SECRET", o.jwtSecret(), o.jwtSecretKey()));
        return env;
    }

    private static EnvVar secretRef(String variable, String secret, String key) {
        return new EnvVarBuilder().withName(variable)
                .withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey(key).endSecretKeyRef().endValueFrom()
                .build();
    }

    private static Probe probe(String path, int initialDelay, int period, int timeout, int failures) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString(PORT)).endHttpGet()
                .withInitialDelaySeconds(initialDelay).withPeriodSeconds(period).withTimeoutSeconds(timeout)
                .withSuccessThreshold(1).withFailureThreshold(failures)
                .build();
    }

    /** A label value: at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric ("1.2.0+b7" → "1.2.0-b7"). */
    static String labelValue(String raw) {
        if (raw == null) {
            return "";
        }
        String v = raw.replaceAll("[^A-Za-z0-9._-]", "-");
        if (v.length() > 63) {
            v = v.substring(0, 63);
        }
        return v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }
}
