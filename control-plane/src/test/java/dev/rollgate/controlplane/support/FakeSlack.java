package dev.rollgate.controlplane.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Slack's Web API as mockwebserver: answers chat.postMessage, chat.update and users.info the way Slack documents
 * them, records every call, and lets a test script failures for the calls that concern it. Every call is tagged
 * with the text of the message it belongs to ({@link Call#about}), so tests sharing the server see only their own
 * release's traffic. It also stands in for clicks' response_urls ({@link #responseUrl}): a JSON POST there is
 * recorded as method {@value #RESPONSE_URL} about its own path.
 */
public final class FakeSlack {

    public static final FakeSlack INSTANCE = new FakeSlack();
    public static final String RESPONSE_URL = "response_url";
    /** The fake listens here; the response_url tests allow plain http to this host and no other. */
    public static final String HOST = "127.0.0.1";

    /** A recorded call. {@code status} is what the fake answered. */
    public record Call(String method, Map<String, String> params, String about, Instant at, String authorization,
                       int status) {
        public boolean root() {
            return method.equals("chat.postMessage") && !params.containsKey("thread_ts");
        }

        public String text() {
            return params.getOrDefault("text", "");
        }
    }

    private record Rule(Predicate<Call> when, AtomicInteger remaining, Supplier<MockResponse> answer) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MockWebServer server = new MockWebServer();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<String, String> rootText = new ConcurrentHashMap<>();
    private final Map<String, String> channelIds = new ConcurrentHashMap<>();
    private final Map<String, String> emails = new ConcurrentHashMap<>();
    private final AtomicLong ts = new AtomicLong(100);

    private FakeSlack() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return answer(request);
            }
        });
        try {
            server.start(InetAddress.getByName(HOST), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points {@code rollgate.slack.api-url} at the fake. */
    public static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertyValues.of("rollgate.slack.api-url=" + INSTANCE.server.url("/api/"),
                    "rollgate.slack.response-url-hosts=http://" + HOST).applyTo(context);
        }
    }

    /** The next {@code times} calls matching {@code when} get {@code answer} instead of success. */
    public void failWhen(Predicate<Call> when, int times, Supplier<MockResponse> answer) {
        rules.add(new Rule(when, new AtomicInteger(times), answer));
    }

    public void knowEmail(String userId, String email) {
        emails.put(userId, email);
    }

    /** A response_url on the fake; {@code click} names it for {@link #answersTo}. */
    public String responseUrl(String click) {
        return responseUrl(HOST, click);
    }

    /** The same, but naming the fake by another host (still this server), e.g. one that is not allowed. */
    public String responseUrl(String host, String click) {
        return "http://" + host + ":" + server.getPort() + "/actions/T0001/" + click + "/response-token";
    }

    /** What was POSTed to the response_url of {@code click}, in order. */
    public List<Call> answersTo(String click) {
        return calls.stream().filter(c -> c.method().equals(RESPONSE_URL) && c.about().contains("/" + click + "/"))
                .toList();
    }

    public void reset() {
        rules.clear();
    }

    public List<Call> callsAbout(String needle) {
        return calls.stream().filter(c -> c.about() != null && c.about().contains(needle)).toList();
    }

    public static Predicate<Call> about(String needle) {
        return c -> c.about() != null && c.about().contains(needle);
    }

    public static MockResponse json(int status, String body) {
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json; charset=utf-8")
                .setBody(body);
    }

    private MockResponse answer(RecordedRequest request) {
        String path = request.getPath() == null ? "" : request.getPath();
        boolean responseUrl = path.startsWith("/actions/");
        String method = responseUrl ? RESPONSE_URL : path.substring(path.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        String body = request.getBody().readUtf8();
        Map<String, String> params = responseUrl ? jsonFields(body) : form(body);
        if (responseUrl) {
            params.put("content-type", String.valueOf(request.getHeader("Content-Type")));
        }
        String about = responseUrl ? path : switch (method) {
            case "chat.postMessage" -> params.containsKey("thread_ts")
                    ? rootText.get(params.get("thread_ts")) : params.get("text");
            case "chat.update" -> rootText.get(params.get("ts"));
            default -> null;
        };
        Call probe = new Call(method, params, about, Instant.now(), request.getHeader("Authorization"), 0);
        MockResponse response = null;
        for (Rule rule : rules) {
            if (rule.when().test(probe) && rule.remaining().getAndDecrement() > 0) {
                response = rule.answer().get();
                break;
            }
        }
        if (response == null) {
            response = success(method, params);
        }
        calls.add(new Call(method, params, about, probe.at(), probe.authorization(),
                Integer.parseInt(response.getStatus().split(" ")[1])));
        return response;
    }

    private MockResponse success(String method, Map<String, String> params) {
        if (method.equals(RESPONSE_URL)) {
            return new MockResponse().setResponseCode(200).setBody("ok");
        }
        String channel = channelIds.computeIfAbsent(String.valueOf(params.get("channel")),
                name -> name.startsWith("C") ? name : "C" + (channelIds.size() + 1));
        switch (method) {
            case "chat.postMessage" -> {
                String stamp = String.format("1700000000.%06d", ts.incrementAndGet());
                if (!params.containsKey("thread_ts")) {
                    rootText.put(stamp, params.getOrDefault("text", ""));
                }
                return json(200, "{\"ok\":true,\"channel\":\"" + channel + "\",\"ts\":\"" + stamp + "\","
                        + "\"message\":{\"type\":\"message\",\"subtype\":\"bot_message\",\"text\":\"...\","
                        + "\"ts\":\"" + stamp + "\",\"bot_id\":\"B123ABC456\"}}");
            }
            case "chat.update" -> {
                return json(200, "{\"ok\":true,\"channel\":\"" + channel + "\",\"ts\":\"" + params.get("ts")
                        + "\",\"text\":\"...\",\"message\":{\"text\":\"...\",\"user\":\"U123ABC456\"}}");
            }
            case "users.info" -> {
                String user = params.get("user");
                String email = emails.get(user);
                return json(200, "{\"ok\":true,\"user\":{\"id\":\"" + user + "\",\"name\":\"someone\","
                        + "\"profile\":{" + (email == null ? "" : "\"email\":\"" + email + "\"") + "}}}");
            }
            default -> {
                return json(200, "{\"ok\":false,\"error\":\"unknown_method\"}");
            }
        }
    }

    /** A response_url body: its top-level fields as text (the caller adds how it came, "content-type"). */
    private static Map<String, String> jsonFields(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        try {
            JSON.readTree(body).properties().forEach(e -> params.put(e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asString() : e.getValue().toString()));
        } catch (JacksonException e) {
            params.put("unparsable", body);
        }
        return params;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }
}
