package dev.rollgate.controlplane.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

/** A browser-like console session over WebTestClient: a session cookie and the CSRF token of the last page. */
public final class ConsoleSession {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final WebTestClient http;
    private String session;
    private String csrf;

    private ConsoleSession(WebTestClient http) {
        this.http = http;
    }

    /** Where the login form sends the browser: "/" when it worked, "/login?error" when not. */
    public static String attempt(WebTestClient http, String user, String password) {
        return String.valueOf(new ConsoleSession(http).submitLogin(user, password).getResponseHeaders().getLocation());
    }

    public static ConsoleSession login(WebTestClient http, String user, String password) {
        ConsoleSession s = new ConsoleSession(http);
        EntityExchangeResult<byte[]> result = s.submitLogin(user, password);
        assertThat(result.getResponseHeaders().getLocation()).hasToString("/");
        s.remember(result);
        s.get("/");
        return s;
    }

    /** The login page, then its form posted with the page's session and CSRF token. */
    private EntityExchangeResult<byte[]> submitLogin(String user, String password) {
        remember(http.get().uri("/login").exchange().expectStatus().isOk().expectBody(String.class).returnResult());
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("username", user);
        form.add("password", password);
        form.add("_csrf", csrf);
        return http.post().uri("/login").cookie("SESSION", session)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(BodyInserters.fromFormData(form))
                .exchange().expectStatus().isFound().expectBody().returnResult();
    }

    public String get(String uri) {
        EntityExchangeResult<String> page = http.get().uri(uri).cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult();
        remember(page);
        return page.getResponseBody();
    }

    /** The same browser (cookie and CSRF token) talking to another replica. */
    public ConsoleSession on(WebTestClient other) {
        ConsoleSession moved = new ConsoleSession(other);
        moved.session = session;
        moved.csrf = csrf;
        return moved;
    }

    public String sessionId() {
        return session;
    }

    public WebTestClient.ResponseSpec request(String uri) {
        return http.get().uri(uri).cookie("SESSION", session).exchange();
    }

    /** A form post as the page would send it, CSRF token included unless {@code withCsrf} is false. */
    public WebTestClient.ResponseSpec post(String uri, MultiValueMap<String, String> form, boolean withCsrf,
                                           boolean htmx) {
        MultiValueMap<String, String> body = new LinkedMultiValueMap<>(form);
        if (withCsrf) {
            body.add("_csrf", csrf);
        }
        return http.post().uri(uri).cookie("SESSION", session)
                .headers(h -> {
                    if (htmx) {
                        h.add("HX-Request", "true");
                    }
                })
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(BodyInserters.fromFormData(body))
                .exchange();
    }

    public static MultiValueMap<String, String> form(String... pairs) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.add(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    private void remember(EntityExchangeResult<?> result) {
        ResponseCookie cookie = result.getResponseCookies().getFirst("SESSION");
        if (cookie != null) {
            session = cookie.getValue();
        }
        Object body = result.getResponseBody();
        String html = body instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : (String) body;
        if (html != null) {
            Matcher m = CSRF.matcher(html);
            Matcher f = CSRF_FIELD.matcher(html);
            if (m.find()) {
                csrf = m.group(1);
            } else if (f.find()) {
                csrf = f.group(1);
            }
        }
    }
}
