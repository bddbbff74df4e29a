package dev.rollgate.videoapi.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.videoapi.VideoApiTest;

@VideoApiTest
class VersionTests {

    @Autowired
    WebTestClient client;

    @Test
    void defaultsToTheMavenProjectVersion() throws Exception {
        // Read from the pom rather than build-info, which is the thing under test.
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        var xpath = XPathFactory.newInstance().newXPath();
        String own = xpath.evaluate("/project/version", pom);
        String expected = own.isBlank() ? xpath.evaluate("/project/parent/version", pom) : own;

        client.get().uri("/api/version").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(VersionHeaderFilter.HEADER, expected)
                .expectBody()
                .jsonPath("$.version").isEqualTo(expected)
                .jsonPath("$.startedAt").value(startedAt -> assertThat(Instant.parse((String) startedAt))
                        .isBetween(Instant.now().minus(Duration.ofHours(1)), Instant.now()));
    }

    @Test
    void stampsVersionHeaderOnApiResponses() {
        client.get().uri("/api/subscriptions/plans").exchange()
                .expectStatus().isOk()
                .expectHeader().exists(VersionHeaderFilter.HEADER);
    }

    @Test
    void stampsVersionHeaderOnNotFoundResponses() {
        client.get().uri("/api/videos/987654321").exchange()
                .expectStatus().isNotFound()
                .expectHeader().exists(VersionHeaderFilter.HEADER);
        client.get().uri("/no/such/path").exchange()
                .expectStatus().isNotFound()
                .expectHeader().exists(VersionHeaderFilter.HEADER);
    }

    @Test
    void stampsVersionHeaderOnBadRequestAndProbeResponses() {
        client.get().uri("/api/videos?size=0").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().exists(VersionHeaderFilter.HEADER);
        client.get().uri("/health").exchange()
                .expectStatus().isOk()
                .expectHeader().exists(VersionHeaderFilter.HEADER);
    }
}
