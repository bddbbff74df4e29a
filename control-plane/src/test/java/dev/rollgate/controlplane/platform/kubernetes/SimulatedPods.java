package dev.rollgate.controlplane.platform.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import tools.jackson.databind.JsonNode;

/** The pods the simulated kubelet runs: pure functions of a Deployment's template and the state a pod is in. */
final class SimulatedPods {

    static final String HASH_LABEL = "pod-template-hash";
    /** The alphabet Kubernetes writes pod-template hashes in (no vowels, no look-alike digits). */
    private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";

    enum State { STARTING, READY, IMAGE_PULL_BACK_OFF, CRASH_LOOP_BACK_OFF }

    private SimulatedPods() {
    }

    /** Ten characters that change exactly when the template does, as the ReplicaSet's name suffix would. */
    static String templateHash(PodTemplateSpec template) {
        String canonical = canonical(Serialization.jsonMapper().valueToTree(template));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            StringBuilder hash = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                hash.append(SAFE.charAt((digest[i] & 0xff) % SAFE.length()));
            }
            return hash.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON with object keys sorted, so a template read back in another key order hashes the same. */
    private static String canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, String> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), canonical(e.getValue()));
            }
            StringBuilder b = new StringBuilder("{");
            sorted.forEach((k, v) -> b.append('"').append(k).append("\":").append(v).append(','));
            return b.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder b = new StringBuilder("[");
            node.forEach(child -> b.append(canonical(child)).append(','));
            return b.append(']').toString();
        }
        return node.toString();
    }

    static String name(Deployment d, String hash, int index) {
        return d.getMetadata().getName() + "-" + hash + "-" + index;
    }

    /** A pod of {@code d}'s template as its ReplicaSet would create it: the template's labels plus the hash. */
    static Pod pod(Deployment d, String hash, int index, State state, Instant now) {
        PodTemplateSpec t = d.getSpec().getTemplate();
        Map<String, String> labels = new LinkedHashMap<>();
        if (t.getMetadata() != null && t.getMetadata().getLabels() != null) {
            labels.putAll(t.getMetadata().getLabels());
        }
        labels.put(HASH_LABEL, hash);
        Map<String, String> annotations = t.getMetadata() == null || t.getMetadata().getAnnotations() == null
                ? Map.of() : t.getMetadata().getAnnotations();
        String name = name(d, hash, index);
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(d.getMetadata().getNamespace())
                    .withLabels(labels).withAnnotations(annotations)
                .endMetadata()
                .withSpec(t.getSpec())
                .withStatus(status(name, t.getSpec().getContainers(), state, now, index))
                .build();
    }

    static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static int index(Pod pod) {
        String name = pod.getMetadata().getName();
        try {
            return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** What the kubelet reports: phase, conditions and one status per container, failing the way {@code state} says. */
    static PodStatus status(String pod, List<Container> containers, State state, Instant now, int index) {
        boolean ready = state == State.READY;
        List<ContainerStatus> statuses = new ArrayList<>();
        for (Container c : containers) {
            ContainerStatusBuilder s = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                    .withReady(ready).withRestartCount(0).withStarted(state != State.IMAGE_PULL_BACK_OFF);
            switch (state) {
                case STARTING, READY -> s.withNewState().withNewRunning().withStartedAt(now.toString()).endRunning()
                        .endState();
                case IMAGE_PULL_BACK_OFF -> s.withNewState().withNewWaiting().withReason("ImagePullBackOff")
                        .withMessage("Back-off pulling image \"" + c.getImage() + "\": ErrImagePull: failed to pull"
                                + " and unpack image \"" + c.getImage() + "\": not found")
                        .endWaiting().endState();
                case CRASH_LOOP_BACK_OFF -> s.withRestartCount(3)
                        .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                        .withMessage("back-off 40s restarting failed container=" + c.getName() + " pod=" + pod)
                        .endWaiting().endState()
                        .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error")
                        .withFinishedAt(now.toString()).endTerminated().endLastState();
            }
            statuses.add(s.build());
        }
        String since = now.toString();
        return new PodStatusBuilder()
                .withPhase(state == State.IMAGE_PULL_BACK_OFF ? "Pending" : "Running")
                .withConditions(condition("PodScheduled", true, since), condition("Initialized", true, since),
                        condition("ContainersReady", ready, since), condition("Ready", ready, since))
                .withContainerStatuses(statuses)
                .withHostIP("10.0.0.1").withPodIP("10.1.0." + (10 + Math.floorMod(index, 240)))
                .withStartTime(since)
                .build();
    }

    private static PodCondition condition(String type, boolean status, String since) {
        return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False")
                .withLastTransitionTime(since).build();
    }
}
