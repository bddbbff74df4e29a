package dev.rollgate.controlplane.support;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jetbrains.annotations.NotNull;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.support.TestPropertySourceUtils;

import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * GitHub's REST API for deployments, answering with the JSON of GitHub's documentation, recording every call.
 * Per repository it can fail the next calls with a 5xx or be down altogether (slowly, like a real outage).
 */
public final class FakeGitHub extends Dispatcher {

    public static final FakeGitHub INSTANCE = new FakeGitHub();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The states GitHub's API accepts for a deployment status; anything else is a 422 there too. */
    private static final java.util.Set<String> STATES = java.util.Set.of("error", "failure", "inactive",
            "in_progress", "queued", "pending", "success");

    public record Call(String method, String path, JsonNode body, int status) {
    }

    private final MockWebServer server = new MockWebServer();
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, AtomicInteger> failNext = new ConcurrentHashMap<>();
    private final Map<String, Long> down = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(145988746);

    private FakeGitHub() {
        server.setDispatcher(this);
        try {
            server.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return server.url("/").toString().replaceAll("/$", "");
    }

    /** The next {@code n} calls for the repository answer 502. */
    public void failNext(String repository, int n) {
        failNext.computeIfAbsent(repository, r -> new AtomicInteger()).set(n);
    }

    /** Every call for the repository answers 503 after {@code delayMillis}. */
    public void down(String repository, long delayMillis) {
        down.put(repository, delayMillis);
    }

    public synchronized List<Call> calls(String repository) {
        return calls.stream().filter(c -> c.path().startsWith("/repos/" + repository + "/")
                || c.path().equals("/repos/" + repository)).toList();
    }

    /** The calls that changed something (answered POSTs), in order. */
    public List<Call> writes(String repository) {
        return calls(repository).stream().filter(c -> c.method().equals("POST") && c.status() < 300).toList();
    }

    @NotNull
    @Override
    public MockResponse dispatch(@NotNull RecordedRequest request) {
        String path = request.getPath() == null ? "" : request.getPath().replaceAll("\\?.*$", "");
        String[] parts = path.split("/");
        String body = request.getBody().readUtf8();
        JsonNode json = body.isEmpty() ? null : JSON.readTree(body);
        MockResponse response = answer(request.getMethod(), path, parts, json);
        synchronized (this) {
            calls.add(new Call(request.getMethod(), path, json, Integer.parseInt(response.getStatus().split(" ")[1])));
        }
        return response;
    }

    private MockResponse answer(String method, String path, String[] parts, JsonNode json) {
        if (parts.length < 4 || !parts[1].equals("repos")) {
            return new MockResponse().setResponseCode(404).setBody("{\"message\":\"Not Found\"}");
        }
        String repository = parts[2] + "/" + parts[3];
        Long delay = down.get(repository);
        if (delay != null) {
            return new MockResponse().setResponseCode(503).setHeadersDelay(delay, TimeUnit.MILLISECONDS)
                    .setBody("{\"message\":\"Service Unavailable\"}");
        }
        AtomicInteger failures = failNext.get(repository);
        if (failures != null && failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new MockResponse().setResponseCode(502).setBody("{\"message\":\"Server Error\"}");
        }
        if (method.equals("GET") && parts.length == 4) {
            return json(200, repository(parts[2], parts[3]));
        }
        if (method.equals("POST") && parts.length == 5 && parts[4].equals("deployments")) {
            return json(201, deployment(repository, ids.incrementAndGet(), json));
        }
        if (method.equals("GET") && parts.length == 6 && parts[4].equals("deployments")) {
            return json(200, deployment(repository, Long.parseLong(parts[5]), null));
        }
        if (method.equals("POST") && parts.length == 7 && parts[6].equals("statuses")) {
            if (!STATES.contains(json.path("state").asString(""))) {
                return new MockResponse().setResponseCode(422).setBody("{\"message\":\"Validation Failed\","
                        + "\"errors\":[{\"resource\":\"DeploymentStatus\",\"code\":\"invalid\",\"field\":\"state\"}]}");
            }
            ObjectNode status = (ObjectNode) JSON.readTree(GitHubWebhooks.fixture("api-deployment-status.json"));
            status.put("state", json.path("state").asString());
            status.put("log_url", json.path("log_url").asString(""));
            status.put("description", json.path("description").asString(""));
            status.put("deployment_url", url() + "/repos/" + repository + "/deployments/" + parts[5]);
            return json(201, status);
        }
        return new MockResponse().setResponseCode(404).setBody("{\"message\":\"Not Found\"}");
    }

    private JsonNode repository(String owner, String name) {
        ObjectNode repo = (ObjectNode) JSON.readTree(GitHubWebhooks.fixture("api-repository.json"));
        repo.put("name", name);
        repo.put("full_name", owner + "/" + name);
        ((ObjectNode) repo.path("owner")).put("login", owner);
        repo.put("url", url() + "/repos/" + owner + "/" + name);
        return repo;
    }

    private JsonNode deployment(String repository, long id, JsonNode request) {
        ObjectNode d = (ObjectNode) JSON.readTree(GitHubWebhooks.fixture("api-deployment.json"));
        d.put("id", id);
        d.put("url", url() + "/repos/" + repository + "/deployments/" + id);
        d.put("statuses_url", url() + "/repos/" + repository + "/deployments/" + id + "/statuses");
        d.put("repository_url", url() + "/repos/" + repository);
        if (request != null) {
            d.put("ref", request.path("ref").asString());
            d.put("environment", request.path("environment").asString());
            d.put("description", request.path("description").asString(""));
        }
        return d;
    }

    private static MockResponse json(int status, JsonNode body) {
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json; charset=utf-8")
                .setBody(JSON.writeValueAsString(body));
    }

    /** Points rollgate.github.api-url at the fake. */
    public static class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertySourceUtils.addInlinedPropertiesToEnvironment(context,
                    "rollgate.github.api-url=" + INSTANCE.url());
        }
    }
}
