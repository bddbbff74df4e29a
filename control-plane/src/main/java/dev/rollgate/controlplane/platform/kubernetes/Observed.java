package dev.rollgate.controlplane.platform.kubernetes;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * An informer's copy of the objects Rollgate writes, and whether it may decide "nothing to write" on its own. Right
 * after a write the informer still holds the object as it was before: deciding from that copy would skip a write
 * that is needed (a rollback straight after a step, for instance) until the watch caught up. So this remembers the
 * last resourceVersion Rollgate knows the server has — from its own write or a fresh read — and trusts the copy
 * once it has shown that version (its watch delivers versions in order, so it cannot fall behind it again); until
 * then the caller reads afresh.
 */
final class Observed<T extends HasMetadata> {

    /** What the informer holds for one name, absent as null, and whether it is known to be current. */
    record Copy<T>(T object, boolean current) {
    }

    private final Function<String, SharedIndexInformer<T>> informers;
    private final Map<String, String> expected = new ConcurrentHashMap<>();
    private final Set<SharedIndexInformer<T>> followed = ConcurrentHashMap.newKeySet();
    private final ResourceEventHandler<T> settle = new ResourceEventHandler<>() {
        @Override
        public void onAdd(T obj) {
            shown(obj);
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            shown(newObj);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        }
    };

    /** @param informers the informer of a namespace, started on first use */
    Observed(Function<String, SharedIndexInformer<T>> informers) {
        this.informers = informers;
    }

    /** Someone else's write right after Rollgate's (a controller's status) must not hide that the watch saw ours. */
    private void shown(T obj) {
        String version = obj.getMetadata().getResourceVersion();
        if (version != null) {
            expected.remove(obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName(), version);
        }
    }

    private SharedIndexInformer<T> informer(String namespace) {
        SharedIndexInformer<T> informer = informers.apply(namespace);
        if (followed.add(informer)) {
            informer.addEventHandler(settle);
        }
        return informer;
    }

    Copy<T> copy(String namespace, String name) {
        SharedIndexInformer<T> informer = informer(namespace);
        if (!informer.isWatching()) {
            return new Copy<>(null, false);
        }
        String key = namespace + "/" + name;
        T cached = informer.getStore().getByKey(key);
        String wanted = expected.get(key);
        if (wanted == null) {
            return new Copy<>(cached, true);
        }
        if (cached != null && wanted.equals(cached.getMetadata().getResourceVersion())) {
            expected.remove(key, wanted);
            return new Copy<>(cached, true);
        }
        return new Copy<>(cached, false);
    }

    /** The server has {@code object} (read or written just now); null when the read found nothing. */
    void sawOnServer(String namespace, String name, T object) {
        String key = namespace + "/" + name;
        if (object == null || object.getMetadata().getResourceVersion() == null) {
            return;
        }
        SharedIndexInformer<T> informer = informer(namespace);
        T cached = informer.getStore().getByKey(key);
        String version = object.getMetadata().getResourceVersion();
        if (cached != null && Objects.equals(version, cached.getMetadata().getResourceVersion())) {
            expected.remove(key);
        } else {
            expected.put(key, version);
        }
    }
}
