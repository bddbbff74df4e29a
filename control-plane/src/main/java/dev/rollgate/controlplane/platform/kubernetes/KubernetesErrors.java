package dev.rollgate.controlplane.platform.kubernetes;

import dev.rollgate.controlplane.release.port.AdapterException;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Which API errors the engine should retry and which end the release. */
final class KubernetesErrors {

    private KubernetesErrors() {
    }

    static boolean conflict(Throwable e) {
        return e instanceof KubernetesClientException k && k.getCode() == 409;
    }

    /**
     * Permanent: the API refuses and will go on refusing (401/403 rights, 400/422 invalid object, 404 on a write:
     * the namespace is missing). Transient: 409, 429, 5xx and no answer at all (code 0: connection, timeout).
     */
    static AdapterException map(Throwable e, String what) {
        if (e instanceof AdapterException a) {
            return a;
        }
        if (!(e instanceof KubernetesClientException k)) {
            return new AdapterException(false, what + ": " + e.getMessage(), e);
        }
        int code = k.getCode();
        boolean permanent = code >= 400 && code < 500 && code != 409 && code != 429 && code != 408;
        String reason = k.getStatus() != null && k.getStatus().getMessage() != null
                ? k.getStatus().getMessage() : k.getMessage();
        return new AdapterException(permanent, what + ": HTTP " + code + " " + reason, e);
    }
}
