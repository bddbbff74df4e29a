package dev.rollgate.controlplane.support;

import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * Slack's Web API as mockwebserver: answers chat.postMessage, chat.update and users.info the way Slack documents
 * them, records every call, and lets a test script failures for the calls that concern it. Every call is tagged
 * with the text of the message it belongs to ({@link Call#about}), so tests sharing the server see only their own
 * release's traffic.
 */
public final class FakeSlack {

    public static final FakeSlack INSTANCE = new FakeSlack();

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
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points {@code rollgate.slack.api-url} at the fake. */
    public static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertyValues.of("rollgate.slack.api-url=" + INSTANCE.server.url("/api/")).applyTo(context);
        }
    }

    /** The next {@code times} calls matching {@code when} get {@code answer} instead of success. */
    public void failWhen(Predicate<Call> when, int times, Supplier<MockResponse> answer) {
        rules.add(new Rule(when, new AtomicInteger(times), answer));
    }

    public void knowEmail(String userId, String email) {
        emails.put(userId, email);
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
        String method = path.substring(path.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        Map<String, String> params = form(request.getBody().readUtf8());
        String about = switch (method) {
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
