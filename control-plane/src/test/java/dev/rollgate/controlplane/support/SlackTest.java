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
 * One shared context for the Slack tests: the engine test setup on a database of its own (rollgate_test_slack, so
 * they can run beside the other engine tests) and applications of its own (slack-a ... slack-l, so the shared
 * {@link ScriptedWorld} never mixes their targets with other tests'), with Slack configured against {@link FakeSlack}
 * (which is also the only host a response_url may name).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:5432/rollgate_test_slack",
        "spring.flyway.url=jdbc:postgresql://127.0.0.1:5432/rollgate_test_slack",
        "rollgate.console-url=https://rollgate.example.com",
        "rollgate.slack.bot-token=" + SlackTest.BOT_TOKEN,
        "rollgate.slack.signing-secret=" + SlackTest.SIGNING_SECRET,
        "rollgate.slack.channels.preview=#deploys-preview",
        "rollgate.slack.users.U0MANAGER=release-manager",
        "rollgate.slack.users.U0ADMIN=admin",
        "rollgate.slack.users.U0VIEWER=viewer",
        "rollgate.slack.users.[carol@example.com]=release-manager",
        "rollgate.applications.slack-a.smoke-paths=/health",
        "rollgate.applications.slack-b.smoke-paths=/health",
        "rollgate.applications.slack-c.smoke-paths=/health",
        "rollgate.applications.slack-d.smoke-paths=/health",
        "rollgate.applications.slack-e.smoke-paths=/health",
        "rollgate.applications.slack-f.smoke-paths=/health",
        "rollgate.applications.slack-g.smoke-paths=/health",
        "rollgate.applications.slack-h.smoke-paths=/health",
        "rollgate.applications.slack-i.smoke-paths=/health",
        "rollgate.applications.slack-j.smoke-paths=/health",
        "rollgate.applications.slack-k.smoke-paths=/health",
        "rollgate.applications.slack-l.smoke-paths=/health",
        "rollgate.slack.timeout=1s",
        "rollgate.slack.backoff=100ms",
        "rollgate.slack.max-backoff=400ms"})
@ActiveProfiles("enginetest")
@Import({ScriptedAdapters.class, CleanDatabase.class})
@ContextConfiguration(initializers = FakeSlack.Initializer.class)
@AutoConfigureWebTestClient
public @interface SlackTest {

    String BOT_TOKEN = "xoxb-test-token";
    String SIGNING_SECRET = "test-signing-secret";
}
