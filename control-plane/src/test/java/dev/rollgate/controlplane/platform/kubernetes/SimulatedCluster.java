package dev.rollgate.controlplane.platform.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rollgate.controlplane.platform.kubernetes.SimulatedPods.State;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The Deployment controller and kubelet that fabric8's CRUD mock server lacks. It watches Deployments and, like
 * the real pair with maxSurge 1 / maxUnavailable 0, starts the new template's pods beside the old ones, makes them
 * ready after a delay, then removes the old ones and reports status (observedGeneration, replica counts,
 * Available / Progressing conditions). Pods are {@code <deployment>-<template hash>-<i>} with the template's labels
 * and annotations. Faults are keyed by Deployment name or container image.
 *
 * <p>The mock server keeps {@code metadata.generation} itself (1 on create, +1 when anything outside metadata and
 * status changes, also for an update that carries no generation), so the simulator only reads it. It talks
 * through a client of its own (user agent {@value #USER_AGENT}) so that a {@link RequestCounter} on Rollgate's
 * client never sees its requests. Every reconcile runs on one thread, so fault changes from a test thread are
 * the only concurrency: they go through concurrent maps and a re-reconcile of every Deployment.
 */
public final class SimulatedCluster implements AutoCloseable {

    public static final String USER_AGENT = "rollgate-simulated-controller";
    public static final Duration DEFAULT_DELAY = Duration.ofMillis(200);

    private static final Logger log = LoggerFactory.getLogger(SimulatedCluster.class);

    private enum Kind { IMAGE_PULL, CRASH_LOOP, NEVER_PROGRESS }

    /** @param deadline for NEVER_PROGRESS: when the Progressing condition turns False; null: the spec's own */
    private record Fault(Kind kind, Duration deadline) {
    }

    /** When the generation being rolled out was first seen: ready-after delays and deadlines count from here. */
    private record Rollout(long generation, Instant since) {
    }

    private final KubernetesClient client;
    private final ScheduledExecutorService loop;
    private final List<SharedIndexInformer<Deployment>> informers = new ArrayList<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, Duration> slow = new ConcurrentHashMap<>();
    private final Map<String, Rollout> rollouts = new ConcurrentHashMap<>();
    private volatile Duration delay = DEFAULT_DELAY;
    private volatile boolean closed;

    private SimulatedCluster(KubernetesClient cluster) {
        this.client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(cluster.getConfiguration()).withUserAgent(USER_AGENT).build())
                .build();
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "simulated-deployment-controller");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts controlling the Deployments of {@code namespaces} (every namespace when none are given) on the server
     * {@code cluster} talks to. Returns once the initial lists are in; existing Deployments are reconciled at once.
     */
    public static SimulatedCluster start(KubernetesClient cluster, String... namespaces) {
        SimulatedCluster sim = new SimulatedCluster(cluster);
        ResourceEventHandler<Deployment> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment d) {
                sim.enqueue(d.getMetadata().getNamespace(), d.getMetadata().getName(), Duration.ZERO);
            }

            @Override
            public void onUpdate(Deployment old, Deployment d) {
                sim.enqueue(d.getMetadata().getNamespace(), d.getMetadata().getName(), Duration.ZERO);
            }

            @Override
            public void onDelete(Deployment d, boolean finalStateUnknown) {
                sim.submit(() -> sim.collectGarbage(d), Duration.ZERO);
            }
        };
        if (namespaces.length == 0) {
            sim.informers.add(sim.client.apps().deployments().inAnyNamespace().inform(handler, 0));
        } else {
            for (String ns : namespaces) {
                sim.informers.add(sim.client.apps().deployments().inNamespace(ns).inform(handler, 0));
            }
        }
        return sim;
    }

    /** How long a healthy rollout takes from the controller seeing a generation to every new pod being ready. */
    public SimulatedCluster delay(Duration delay) {
        this.delay = Objects.requireNonNull(delay);
        return this;
    }

    /** Pods of a matching Deployment (by name) or image become ready only {@code readyAfter} into a rollout. */
    public SimulatedCluster slow(String deploymentOrImage, Duration readyAfter) {
        slow.put(deploymentOrImage, readyAfter);
        return changed();
    }

    /** New pods wait in ImagePullBackOff with the kubelet's message; old pods keep serving, available stays low. */
    public SimulatedCluster imagePullFailure(String deploymentOrImage) {
        return fault(deploymentOrImage, new Fault(Kind.IMAGE_PULL, null));
    }

    /** New pods start, exit 1 and wait in CrashLoopBackOff; old pods keep serving. */
    public SimulatedCluster crashLoop(String deploymentOrImage) {
        return fault(deploymentOrImage, new Fault(Kind.CRASH_LOOP, null));
    }

    /**
     * New pods run but never become ready; once the Deployment's {@code progressDeadlineSeconds} have passed the
     * Progressing condition turns False with reason ProgressDeadlineExceeded, as the controller reports it.
     */
    public SimulatedCluster neverProgress(String deploymentOrImage) {
        return fault(deploymentOrImage, new Fault(Kind.NEVER_PROGRESS, null));
    }

    /** As {@link #neverProgress(String)}, with the deadline reported {@code deadline} into the rollout instead. */
    public SimulatedCluster neverProgress(String deploymentOrImage, Duration deadline) {
        return fault(deploymentOrImage, new Fault(Kind.NEVER_PROGRESS, Objects.requireNonNull(deadline)));
    }

    /** Removes the fault and the slowness of {@code deploymentOrImage}; a stuck rollout then completes. */
    public SimulatedCluster heal(String deploymentOrImage) {
        faults.remove(deploymentOrImage);
        slow.remove(deploymentOrImage);
        return changed();
    }

    public SimulatedCluster clearFaults() {
        faults.clear();
        slow.clear();
        return changed();
    }

    /** The pods of Deployment {@code deployment}, by name, as the simulator's client reads them. */
    public List<Pod> pods(String namespace, String deployment) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(deployment).get();
        return d == null ? List.of() : podsOf(d).stream()
                .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    private SimulatedCluster fault(String deploymentOrImage, Fault fault) {
        faults.put(deploymentOrImage, fault);
        return changed();
    }

    private SimulatedCluster changed() {
        informers.forEach(i -> i.getStore().list().forEach(d ->
                enqueue(d.getMetadata().getNamespace(), d.getMetadata().getName(), Duration.ZERO)));
        return this;
    }

    private void enqueue(String namespace, String name, Duration after) {
        submit(() -> reconcileSafely(namespace, name), after);
    }

    private void submit(Runnable task, Duration after) {
        try {
            loop.schedule(task, Math.max(0, after.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed while an informer still delivered an event: nothing is controlled any more.
        }
    }

    private void reconcileSafely(String namespace, String name) {
        try {
            reconcile(namespace, name);
        } catch (KubernetesClientException e) {
            // Mostly 409: Rollgate wrote between this read and write. The next pass sees its write.
            log.debug("simulated controller retries {}/{}: {}", namespace, name, e.getMessage());
            enqueue(namespace, name, Duration.ofMillis(50));
        } catch (RuntimeException e) {
            log.warn("simulated controller failed on {}/{}", namespace, name, e);
            enqueue(namespace, name, Duration.ofMillis(200));
        }
    }

    /** Level-triggered: reads the Deployment and its pods afresh and moves them one step towards the spec. */
    private void reconcile(String namespace, String name) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (d == null || closed) {
            return;
        }
        Instant now = Instant.now();
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        Rollout rollout = rollouts.compute(namespace + "/" + name,
                (k, r) -> r != null && r.generation() == generation ? r : new Rollout(generation, now));
        String hash = SimulatedPods.templateHash(d.getSpec().getTemplate());
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        Fault fault = match(d, faults).orElse(null);
        Instant readyAt = rollout.since().plus(match(d, slow).orElse(delay));

        List<Pod> pods = podsOf(d);
        List<Pod> current = new ArrayList<>(pods.stream().filter(p -> hash.equals(hashOf(p))).toList());
        List<Pod> old = new ArrayList<>(pods.stream().filter(p -> !hash.equals(hashOf(p))).toList());
        boolean done = fault == null && !now.isBefore(readyAt);
        if (desired == 0 || done) {
            old.forEach(this::delete);
            old.clear();
        }
        // maxSurge 1, maxUnavailable 0: while old pods serve, one new pod at a time; from none, all at once.
        int wanted = desired == 0 ? 0 : old.isEmpty() ? desired : Math.min(desired, Math.max(1, current.size()));
        current.sort(Comparator.comparingInt(SimulatedPods::index));
        while (current.size() > wanted) {
            delete(current.remove(current.size() - 1));
        }
        State starting = fault == null || fault.kind() == Kind.NEVER_PROGRESS ? State.STARTING
                : fault.kind() == Kind.IMAGE_PULL ? State.IMAGE_PULL_BACK_OFF : State.CRASH_LOOP_BACK_OFF;
        for (int i = 0; current.size() < wanted; i++) {
            int index = i;
            if (current.stream().noneMatch(p -> SimulatedPods.index(p) == index)) {
                current.add(client.pods().inNamespace(namespace)
                        .resource(SimulatedPods.pod(d, hash, index, done ? State.READY : starting, now)).create());
            }
        }
        if (done) {
            for (int i = 0; i < current.size(); i++) {
                Pod p = current.get(i);
                if (!SimulatedPods.ready(p)) {
                    p.setStatus(SimulatedPods.status(p.getMetadata().getName(), p.getSpec().getContainers(),
                            State.READY, now, SimulatedPods.index(p)));
                    current.set(i, client.pods().inNamespace(namespace).resource(p).updateStatus());
                }
            }
        }

        Instant deadlineAt = fault != null && fault.kind() == Kind.NEVER_PROGRESS
                ? rollout.since().plus(fault.deadline() != null ? fault.deadline() : specDeadline(d)) : null;
        boolean pastDeadline = deadlineAt != null && !now.isBefore(deadlineAt);
        DeploymentStatus next = status(d, generation, desired, hash, current, old, pastDeadline, now);
        if (!next.equals(d.getStatus())) {
            d.setStatus(next);
            client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
        }
        if (fault == null && !done && desired > 0) {
            enqueue(namespace, name, Duration.between(now, readyAt));
        } else if (deadlineAt != null && !pastDeadline) {
            enqueue(namespace, name, Duration.between(now, deadlineAt));
        }
    }

    private static DeploymentStatus status(Deployment d, long generation, int desired, String hash, List<Pod> current,
                                           List<Pod> old, boolean pastDeadline, Instant now) {
        int ready = (int) (current.stream().filter(SimulatedPods::ready).count()
                + old.stream().filter(SimulatedPods::ready).count());
        int total = current.size() + old.size();
        boolean complete = old.isEmpty() && current.size() == desired
                && current.stream().allMatch(SimulatedPods::ready);
        String replicaSet = "ReplicaSet \"" + d.getMetadata().getName() + "-" + hash + "\"";
        List<DeploymentCondition> previous = d.getStatus() == null || d.getStatus().getConditions() == null
                ? List.of() : d.getStatus().getConditions();
        DeploymentCondition available = ready >= desired
                ? condition(previous, "Available", "True", "MinimumReplicasAvailable",
                "Deployment has minimum availability.", now)
                : condition(previous, "Available", "False", "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.", now);
        DeploymentCondition progressing = complete
                ? condition(previous, "Progressing", "True", "NewReplicaSetAvailable",
                replicaSet + " has successfully progressed.", now)
                : pastDeadline
                ? condition(previous, "Progressing", "False", "ProgressDeadlineExceeded",
                replicaSet + " has timed out progressing.", now)
                : condition(previous, "Progressing", "True", "ReplicaSetUpdated", replicaSet + " is progressing.", now);
        return new DeploymentStatusBuilder()
                .withObservedGeneration(generation)
                .withReplicas(total).withUpdatedReplicas(current.size())
                .withReadyReplicas(ready).withAvailableReplicas(ready)
                .withUnavailableReplicas(Math.max(0, desired - ready) == 0 ? null : Math.max(0, desired - ready))
                .withConditions(available, progressing)
                .build();
    }

    /** Keeps the times of an unchanged condition, so an unchanged status compares equal and is not written. */
    private static DeploymentCondition condition(List<DeploymentCondition> previous, String type, String status,
                                                 String reason, String message, Instant now) {
        DeploymentCondition before = previous.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        boolean same = before != null && status.equals(before.getStatus()) && reason.equals(before.getReason())
                && message.equals(before.getMessage());
        String transition = before != null && status.equals(before.getStatus()) && before.getLastTransitionTime() != null
                ? before.getLastTransitionTime() : now.toString();
        return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withMessage(message).withLastTransitionTime(transition)
                .withLastUpdateTime(same && before.getLastUpdateTime() != null ? before.getLastUpdateTime()
                        : now.toString())
                .build();
    }

    private static Duration specDeadline(Deployment d) {
        Integer seconds = d.getSpec().getProgressDeadlineSeconds();
        return Duration.ofSeconds(seconds == null ? 600 : seconds);
    }

    /** A key naming the Deployment wins over one naming an image of its template. */
    private static <T> Optional<T> match(Deployment d, Map<String, T> byKey) {
        T byName = byKey.get(d.getMetadata().getName());
        if (byName != null) {
            return Optional.of(byName);
        }
        return d.getSpec().getTemplate().getSpec().getContainers().stream().map(Container::getImage)
                .map(byKey::get).filter(Objects::nonNull).findFirst();
    }

    private List<Pod> podsOf(Deployment d) {
        Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
        return client.pods().inNamespace(d.getMetadata().getNamespace()).withLabels(selector).list().getItems()
                .stream().filter(p -> hashOf(p) != null).toList();
    }

    private static String hashOf(Pod p) {
        return p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(SimulatedPods.HASH_LABEL);
    }

    private void delete(Pod p) {
        client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName()).delete();
    }

    /** What the garbage collector does for a deleted Deployment's ReplicaSets: their pods go too. */
    private void collectGarbage(Deployment d) {
        rollouts.remove(d.getMetadata().getNamespace() + "/" + d.getMetadata().getName());
        try {
            podsOf(d).forEach(this::delete);
        } catch (KubernetesClientException e) {
            log.debug("simulated controller could not remove the pods of {}: {}", d.getMetadata().getName(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        loop.shutdownNow();
        informers.forEach(SharedIndexInformer::close);
        client.close();
    }
}
