package dev.rollgate.controlplane.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/**
 * Console tests: the engine with scripted adapters on a database of their own, three local accounts (one per
 * role) and applications no other test class touches in the shared scripted world.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:5432/${CONSOLE_TEST_DB:rollgate_test_web}",
    "spring.flyway.url=jdbc:postgresql://127.0.0.1:5432/${CONSOLE_TEST_DB:rollgate_test_web}",
    "rollgate.console.admin-password=admin-secret-1",
    "rollgate.console.users.viola.password={noop}viewer-secret-1",
    "rollgate.console.users.viola.role=viewer",
    "rollgate.console.users.manny.password={noop}manager-secret-1",
    "rollgate.console.users.manny.role=release-manager",
    "rollgate.console.confirm-by-name=production,staging",
    "rollgate.environments.qa.platform=scripted",
    "rollgate.environments.qa.router=scripted",
    "rollgate.environments.qa.metrics=scripted",
    "rollgate.environments.qa.ready-timeout=5s",
    "rollgate.environments.qa.analysis.min-sample=50",
    "rollgate.environments.qa.analysis.inconclusive-grace=600ms",
    "rollgate.environments.qa.analysis.error-limit=3",
    "rollgate.environments.qa.strategy=canary",
    "rollgate.environments.qa.canary.steps=5,25,50",
    "rollgate.environments.qa.canary.step-duration=300ms",
    "rollgate.applications.web-a.image=example/web-a",
    "rollgate.applications.web-b.image=example/web-b",
    "rollgate.applications.web-c.image=example/web-c",
    "rollgate.applications.web-d.image=example/web-d",
    "rollgate.applications.web-e.image=example/web-e",
    "rollgate.applications.web-f.image=example/web-f",
    "rollgate.applications.web-g.image=example/web-g",
    "rollgate.applications.path-a.image=example/path-a",
    "rollgate.applications.web-h.image=example/web-h",
    "rollgate.applications.web-i.image=example/web-i",
    "rollgate.applications.web-j.image=example/web-j"})
@ActiveProfiles("enginetest")
@AutoConfigureWebTestClient
@Import({ScriptedAdapters.class, CleanDatabase.class})
public @interface ConsoleTest {
}
