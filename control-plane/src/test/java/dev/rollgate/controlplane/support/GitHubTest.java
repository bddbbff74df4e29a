package dev.rollgate.controlplane.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * Like {@link EngineTest}, on a database of its own (rollgate_test_gh, so it never cleans another suite's
 * schema) with the webhook secret set and deployment statuses going to {@link FakeGitHub}.
 * Applications gh-a … gh-z live in repositories acme/gh-a … acme/gh-z (one per test, so tests sharing the
 * context never share a target); develop → staging, main → production.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:5432/${TEST_DB_GH:rollgate_test_gh}",
        "spring.flyway.url=jdbc:postgresql://127.0.0.1:5432/${TEST_DB_GH:rollgate_test_gh}",
        "rollgate.github.webhook-secret=" + GitHubWebhooks.SECRET,
        "rollgate.github.token=gh-test-token",
        "rollgate.github.retry-backoff=50ms",
        "rollgate.github.queue-sweep-interval=2s",
        "rollgate.console-url=https://rollgate.example.com/",
        "rollgate.environments.staging.branch=develop",
        "rollgate.environments.production.branch=main",
        "rollgate.applications.gh-a.repository=acme/gh-a", "rollgate.applications.gh-b.repository=acme/gh-b",
        "rollgate.applications.gh-c.repository=acme/gh-c", "rollgate.applications.gh-d.repository=acme/gh-d",
        "rollgate.applications.gh-e.repository=acme/gh-e", "rollgate.applications.gh-f.repository=acme/gh-f",
        "rollgate.applications.gh-g.repository=acme/gh-g", "rollgate.applications.gh-h.repository=acme/gh-h",
        "rollgate.applications.gh-i.repository=acme/gh-i", "rollgate.applications.gh-j.repository=acme/gh-j",
        "rollgate.applications.gh-k.repository=acme/gh-k", "rollgate.applications.gh-l.repository=acme/gh-l",
        "rollgate.applications.gh-m.repository=acme/gh-m", "rollgate.applications.gh-n.repository=acme/gh-n",
        "rollgate.applications.gh-o.repository=acme/gh-o", "rollgate.applications.gh-p.repository=acme/gh-p",
        "rollgate.applications.gh-q.repository=acme/gh-q",
        "rollgate.applications.gh-r.repository=acme/gh-r",
        "rollgate.applications.gh-s.repository=acme/gh-s",
        "rollgate.applications.gh-t.repository=acme/gh-t",
        "rollgate.applications.gh-u.repository=acme/gh-u",
        "rollgate.applications.gh-v.repository=acme/gh-v",
        "rollgate.applications.gh-w.repository=acme/gh-w",
        "rollgate.applications.gh-x.repository=acme/gh-x",
        "rollgate.applications.gh-y.repository=acme/gh-y",
        "rollgate.applications.gh-z.repository=acme/gh-z"})
@ActiveProfiles("enginetest")
@Import({ScriptedAdapters.class, CleanDatabase.class})
@ContextConfiguration(initializers = FakeGitHub.Initializer.class)
@AutoConfigureWebTestClient
public @interface GitHubTest {
}
