package dev.rollgate.controlplane.notify.github;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.kohsuke.github.GHDeployment;
import org.kohsuke.github.GHDeploymentState;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.extras.HttpClientGitHubConnector;

/**
 * The blocking github-api calls Rollgate makes. Callers run them on a bounded-elastic thread. Repositories and
 * deployments are cached so a status is one POST, not a GET of the repository and the deployment first.
 */
public class GitHubDeployments {

    static final int CACHED_DEPLOYMENTS = 256;

    /** Well inside the outbox's delivery timeout, with github-api's own retries. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private final GitHub github;
    private final Map<String, GHRepository> repositories = new ConcurrentHashMap<>();
    /** Bounded: a release that ends on another replica never calls {@link #forget} here, so age evicts it. */
    private final Map<Long, GHDeployment> deployments = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, GHDeployment> eldest) {
                    return size() > CACHED_DEPLOYMENTS;
                }
            });

    public GitHubDeployments(String apiUrl, String token) {
        // github-api's own connector follows redirects (NORMAL); keep that, and bound every request.
        HttpClient client = new TimedHttpClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL).build(), REQUEST_TIMEOUT);
        try {
            this.github = new GitHubBuilder().withEndpoint(apiUrl).withOAuthToken(token)
                    .withConnector(new DeploymentStateFix(new HttpClientGitHubConnector(client))).build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up the GitHub client for " + apiUrl, e);
        }
    }

    /** Creates a Deployment that never auto-merges and waits for no status checks: Rollgate already decided. */
    public long createDeployment(String repository, String ref, String environment, String payload,
                                 String description) throws IOException {
        GHDeployment deployment = repository(repository).createDeployment(ref)
                .environment(environment)
                .autoMerge(false)
                .requiredContexts(List.of())
                .payload(payload)
                .description(description)
                .create();
        deployments.put(deployment.getId(), deployment);
        return deployment.getId();
    }

    public void createStatus(String repository, long deploymentId, GHDeploymentState state, String description,
                             String environment, String logUrl) throws IOException {
        GHDeployment deployment = deployments.get(deploymentId);
        if (deployment == null) {
            deployment = repository(repository).getDeployment(deploymentId);
            deployments.put(deploymentId, deployment);
        }
        deployment.createStatus(state).description(description).environment(environment).logUrl(logUrl).create();
    }

    public void forget(long deploymentId) {
        deployments.remove(deploymentId);
    }

    private GHRepository repository(String name) throws IOException {
        GHRepository cached = repositories.get(name);
        if (cached == null) {
            cached = github.getRepository(name);
            repositories.put(name, cached);
        }
        return cached;
    }
}
