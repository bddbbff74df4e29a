package dev.rollgate.controlplane.intake.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class WebhookSignatureTests {

    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);

    /** The example from GitHub's "Validating webhook deliveries" documentation. */
    @ParameterizedTest
    @CsvSource({"It's a Secret to Everybody, sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"})
    void acceptsGitHubsDocumentedExample(String secret, String signature) {
        assertThat(WebhookSignature.sign(secret, BODY)).isEqualTo(signature);
        assertThat(WebhookSignature.verify(secret, BODY, signature)).isTrue();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "sha256=", "sha1=757107ea0eb2509fc211221cce984b8a37570b6d",
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1",
            "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"})
    void rejectsMissingMalformedOrWrongSignatures(String header) {
        assertThat(WebhookSignature.verify("It's a Secret to Everybody", BODY, header)).isFalse();
    }

    @Property(tries = 200)
    void aSignatureFitsOnlyItsOwnBodyAndSecret(@ForAll byte[] body, @ForAll byte[] other, @ForAll("secret") String s) {
        String signature = WebhookSignature.sign(s, body);
        assertThat(WebhookSignature.verify(s, body, signature)).isTrue();
        assertThat(WebhookSignature.verify(s + "x", body, signature)).isFalse();
        if (!java.util.Arrays.equals(body, other)) {
            assertThat(WebhookSignature.verify(s, other, signature)).isFalse();
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> secret() {
        return net.jqwik.api.Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(40);
    }
}
