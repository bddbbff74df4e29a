package dev.rollgate.controlplane.platform.kubernetes;

import java.util.concurrent.TimeoutException;

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
     * the namespace is missing). Transient: 409, 429, 5xx and no answer at all (code 0 or -1: connection, timeout).
     */
    static AdapterException map(Throwable e, String what) {
        if (e instanceof AdapterException a) {
            return a;
        }
        if (!(e instanceof KubernetesClientException k)) {
            return new AdapterException(false, what + ": " + e.getMessage(), e);
        }
        int code = k.getCode();
        if (code <= 0) {
            // fabric8 says only "Operation: [get] ... failed.", "An error has occurred." or null; why is in the causes.
            return new AdapterException(false, what + (interrupted(k)
                    ? ": gave up waiting for the API server (the call was cancelled)"
                    : ": the API server did not answer" + unanswered(k)), e);
        }
        boolean permanent = code >= 400 && code < 500 && code != 409 && code != 429 && code != 408;
        String reason = k.getStatus() != null && k.getStatus().getMessage() != null
                ? k.getStatus().getMessage() : k.getMessage();
        return new AdapterException(permanent, what + ": HTTP " + code + " " + reason, e);
    }

    /** Rollgate stopped waiting (a tick's timeout cancels its call), which says nothing about the API server. */
    private static boolean interrupted(Throwable e) {
        for (Throwable c = e; c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The outermost cause that says something: the client's IOException names the address ("Connection refused:
     * /10.0.0.1:6443"), the socket exceptions beneath it do not. A bare TimeoutException is the request timeout;
     * other causes without a message are named.
     */
    private static String unanswered(KubernetesClientException k) {
        boolean timedOut = false;
        for (Throwable c = k.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                return ": " + c.getMessage();
            }
            timedOut |= c instanceof TimeoutException;
        }
        if (timedOut) {
            return " in time";
        }
        if (k.getCause() != null) {
            return ": " + ClusterReachability.rootCause(k.getCause());
        }
        return k.getMessage() == null || k.getMessage().isBlank() ? "" : ": " + k.getMessage();
    }
}
