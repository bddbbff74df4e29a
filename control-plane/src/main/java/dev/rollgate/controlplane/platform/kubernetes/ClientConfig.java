package dev.rollgate.controlplane.platform.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;

/**
 * The fabric8 client configuration: {@code rollgate.kubernetes.kubeconfig} and {@code context} when set, else the
 * usual sources (in-cluster service account, KUBECONFIG, ~/.kube/config). Only what Rollgate was told is checked
 * here — a file that is not there or not a kubeconfig, a context it does not have — and that fails startup; whether
 * the API server answers is the health component's business, never a reason not to start.
 */
final class ClientConfig {

    static final String KUBECONFIG = "rollgate.kubernetes.kubeconfig";
    static final String CONTEXT = "rollgate.kubernetes.context";
    private static final Pattern LOCATION = Pattern.compile("line (\\d+), column (\\d+)");

    private ClientConfig() {
    }

    static Config of(KubernetesProperties properties) {
        String kubeconfig = blankToNull(properties.kubeconfig());
        String context = blankToNull(properties.context());
        Config config = kubeconfig == null ? usual(context) : fromFile(kubeconfig, context);
        // Retries are the engine's (a transient error is retried next tick and counted), so the client's own 5xx
        // backoff — up to ten tries — is cut to one, and a request gives up well inside a tick's budget.
        config.setRequestRetryBackoffLimit(1);
        config.setRequestTimeout(5_000);
        return config;
    }

    private static Config usual(String context) {
        Config config = Config.autoConfigure(context);
        if (context != null && !names(config).contains(context)) {
            // fabric8 quietly keeps the current context when the asked one is missing: that would be another cluster.
            throw new InvalidConfigurationPropertyValueException(CONTEXT, context, "no such context in "
                    + String.join(", ", Config.getKubeconfigFilenames()) + " (contexts: " + listed(config) + "); set " + KUBECONFIG
                    + " to the file that has it");
        }
        return config;
    }

    private static Config fromFile(String kubeconfig, String context) {
        Path path = Path.of(kubeconfig);
        String contents;
        try {
            contents = Files.readString(path);
        } catch (IOException | SecurityException e) {
            throw new InvalidConfigurationPropertyValueException(KUBECONFIG, kubeconfig, "cannot read "
                    + path.toAbsolutePath() + ": " + ClusterReachability.rootCause(e));
        }
        Config config;
        try {
            config = Config.fromKubeconfig(context, contents, path.toAbsolutePath().toString());
        } catch (RuntimeException e) {
            throw new InvalidConfigurationPropertyValueException(KUBECONFIG, kubeconfig, path.toAbsolutePath()
                    + " is not a usable kubeconfig: " + parseProblem(e));
        }
        if (context != null && !names(config).contains(context)) {
            throw new InvalidConfigurationPropertyValueException(CONTEXT, context, "no such context in "
                    + path.toAbsolutePath() + " (contexts: " + listed(config) + ")");
        }
        if (context == null && config.getCurrentContext() == null) {
            throw new InvalidConfigurationPropertyValueException(KUBECONFIG, kubeconfig, path.toAbsolutePath()
                    + " names no current-context; set " + CONTEXT + " to one of: " + listed(config));
        }
        return config;
    }

    private static List<String> names(Config config) {
        List<NamedContext> contexts = config.getContexts() == null ? List.of() : config.getContexts();
        return contexts.stream().map(NamedContext::getName).filter(Objects::nonNull).sorted().toList();
    }

    private static String listed(Config config) {
        List<String> names = names(config);
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    /**
     * What the parser objects to and where, without the excerpt of the file it quotes: the offending line may hold a
     * token or a client key, and this message ends up in the startup log.
     */
    static String parseProblem(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage();
        String first = message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        Matcher at = LOCATION.matcher(message);
        String where = null;
        while (at.find()) {
            where = "line " + at.group(1) + ", column " + at.group(2);
        }
        String what = first.isEmpty() ? root.getClass().getSimpleName()
                : first.length() > 120 ? first.substring(0, 120) + "…" : first;
        return what + (where == null ? "" : " at " + where);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
