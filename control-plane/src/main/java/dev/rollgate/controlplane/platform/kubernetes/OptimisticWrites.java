package dev.rollgate.controlplane.platform.kubernetes;

import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;

/**
 * The routers' one way to write an object they own: decide from the informer's copy when it is current, and when
 * there is something to write, read afresh, change, create or update on that resourceVersion.
 */
final class OptimisticWrites {

    private static final Logger log = LoggerFactory.getLogger(OptimisticWrites.class);

    private OptimisticWrites() {
    }

    /**
     * Reads {@code name} from the API server (never from an informer: a write needs the latest resourceVersion) and
     * writes what {@code change} makes of it — of null when the object is absent — with null meaning nothing to
     * write. A lost race (409) is re-read and tried again up to {@code conflictRetries} times.
     *
     * @return whether anything was written
     */
    static <T extends HasMetadata> boolean write(NonNamespaceOperation<T, ?, Resource<T>> objects, String name,
                                                 UnaryOperator<T> change, int conflictRetries) {
        return write(objects, null, null, name, change, conflictRetries);
    }

    /**
     * As {@link #write(NonNamespaceOperation, String, UnaryOperator, int)}, but a current informer copy that needs
     * no change settles it without a request: a steady state costs the API server nothing.
     */
    static <T extends HasMetadata> boolean write(NonNamespaceOperation<T, ?, Resource<T>> objects,
                                                 Observed<T> observed, String namespace, String name,
                                                 UnaryOperator<T> change, int conflictRetries) {
        if (observed != null) {
            Observed.Copy<T> copy = observed.copy(namespace, name);
            if (copy.current() && change.apply(copy.object()) == null) {
                return false;
            }
        }
        for (int attempt = 0; ; attempt++) {
            T current = objects.withName(name).get();
            if (observed != null) {
                observed.sawOnServer(namespace, name, current);
            }
            T next = change.apply(current);
            if (next == null) {
                return false;
            }
            try {
                T written;
                if (current == null) {
                    written = objects.resource(next).create();
                } else {
                    next.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
                    written = objects.resource(next).update();
                }
                if (observed != null) {
                    observed.sawOnServer(namespace, name, written);
                }
                return true;
            } catch (RuntimeException e) {
                if (!KubernetesErrors.conflict(e) || attempt >= conflictRetries) {
                    throw e;
                }
                log.debug("conflict writing {} {}, re-reading (attempt {})", next.getKind(), name, attempt + 1);
            }
        }
    }
}
