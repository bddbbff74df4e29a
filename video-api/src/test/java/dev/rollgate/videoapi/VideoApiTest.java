package dev.rollgate.videoapi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;

/**
 * The one shared application context: every test class using this annotation gets the same
 * cached context against the videoapi_test database. Contexts with other settings (faults, an
 * unreachable database) declare their own @SpringBootTest.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "DB_NAME=" + TestDatabase.NAME)
@AutoConfigureWebTestClient
public @interface VideoApiTest {
}
