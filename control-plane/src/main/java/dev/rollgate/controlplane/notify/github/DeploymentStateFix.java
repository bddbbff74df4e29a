package dev.rollgate.controlplane.notify.github;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;

/**
 * github-api 1.330 writes enum values with '-' for '_', so GHDeploymentState.IN_PROGRESS goes out as
 * "in-progress", which GitHub's API refuses (it wants "in_progress"). This connector puts the underscore back
 * in deployment-status bodies, and touches nothing else.
 */
final class DeploymentStateFix implements GitHubConnector {

    private static final String WRONG = "\"state\":\"in-progress\"";
    private static final String RIGHT = "\"state\":\"in_progress\"";

    private final GitHubConnector delegate;

    DeploymentStateFix(GitHubConnector delegate) {
        this.delegate = delegate;
    }

    @Override
    public GitHubConnectorResponse send(GitHubConnectorRequest request) throws IOException {
        if (!request.hasBody() || !"POST".equals(request.method()) || !request.url().getPath().endsWith("/statuses")) {
            return delegate.send(request);
        }
        byte[] body;
        try (InputStream in = request.body()) {
            body = in.readAllBytes();
        }
        String json = new String(body, StandardCharsets.UTF_8);
        byte[] fixed = json.contains(WRONG) ? json.replace(WRONG, RIGHT).getBytes(StandardCharsets.UTF_8) : body;
        return delegate.send(new GitHubConnectorRequest() {
            @Override
            public String method() {
                return request.method();
            }

            @Override
            public Map<String, List<String>> allHeaders() {
                return request.allHeaders();
            }

            @Override
            public String header(String name) {
                return request.header(name);
            }

            @Override
            public String contentType() {
                return request.contentType();
            }

            @Override
            public InputStream body() {
                return new ByteArrayInputStream(fixed);
            }

            @Override
            public URL url() {
                return request.url();
            }

            @Override
            public boolean hasBody() {
                return true;
            }
        });
    }
}
