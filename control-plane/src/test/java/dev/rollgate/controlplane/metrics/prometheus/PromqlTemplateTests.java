package dev.rollgate.controlplane.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.metrics.prometheus.PromqlTemplate.Values;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Track;

class PromqlTemplateTests {

    private static Values values(String version) {
        return Values.of(new GateQuery(new Target("video-api", "staging", "video-staging"), Track.CANARY, version,
                GateKind.LATENCY, Duration.ofSeconds(30), Duration.ofMillis(500)));
    }

    @Test
    void rendersEveryPlaceholder() {
        PromqlTemplate t = PromqlTemplate.parse("x{a=\"{{application}}\", e=\"{{environment}}\", n=\"{{namespace}}\","
                + " t=\"{{track}}\", v=\"{{version}}\", le=\"{{le}}\", ms=\"{{le_ms}}\"}[{{window}}]");

        assertThat(t.render(values("2.0.0"))).isEqualTo("x{a=\"video-api\", e=\"staging\", n=\"video-staging\","
                + " t=\"canary\", v=\"2.0.0\", le=\"0.5\", ms=\"500\"}[30s]");
    }

    @Test
    void aQuoteInAValueCannotCloseTheMatcher() {
        PromqlTemplate t = PromqlTemplate.parse("sum(x{version=\"{{version}}\"})");

        String rendered = t.render(values("1\"} or vector(1) or x{a=\""));

        assertThat(rendered).isEqualTo("sum(x{version=\"1\\\"} or vector(1) or x{a=\\\"\"})");
    }

    @Test
    void aBackslashInAValueCannotEscapeTheClosingQuote() {
        PromqlTemplate t = PromqlTemplate.parse("x{version=\"{{version}}\"}");

        assertThat(t.render(values("1.0\\"))).isEqualTo("x{version=\"1.0\\\\\"}");
        assertThat(t.render(values("a\\\"b"))).isEqualTo("x{version=\"a\\\\\\\"b\"}");
    }

    @Test
    void controlCharactersAreEscaped() {
        assertThat(PromqlTemplate.escape("a\nb\rc\td\u0001")).isEqualTo("a\\nb\\rc\\td\\x01");
    }

    @Test
    void aLabelPlaceholderOutsideAStringIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> PromqlTemplate.parse("x{version={{version}}}"))
                .withMessageContaining("{{version}} must sit inside a double-quoted label value");
        assertThatIllegalArgumentException().isThrownBy(() -> PromqlTemplate.parse("x{version='{{version}}'}"))
                .withMessageContaining("double-quoted");
    }

    @Test
    void aQuoteInACommentDoesNotFlipTheStringState() {
        PromqlTemplate t = PromqlTemplate.parse("x # 5\" of rain\n+ y{v=\"{{version}}\"}");

        assertThat(t.render(values("2"))).isEqualTo("x # 5\" of rain\n+ y{v=\"2\"}");
        assertThatIllegalArgumentException().isThrownBy(() -> PromqlTemplate.parse("x # \"\n+ y{v={{version}}}"))
                .withMessageContaining("double-quoted");
    }

    @Test
    void anEscapedQuoteInTheTemplateDoesNotEndTheString() {
        PromqlTemplate t = PromqlTemplate.parse("x{v=\"a\\\"{{version}}\"}");

        assertThat(t.render(values("2"))).isEqualTo("x{v=\"a\\\"2\"}");
        assertThatIllegalArgumentException().isThrownBy(() -> PromqlTemplate.parse("x{v=\"a\\\"\"} + {{track}}"))
                .withMessageContaining("double-quoted");
    }

    @Test
    void unknownAndUnclosedPlaceholdersAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> PromqlTemplate.parse("x{a=\"{{app}}\"}"))
                .withMessageContaining("unknown placeholder {{app}}");
        assertThatIllegalArgumentException().isThrownBy(() -> PromqlTemplate.parse("x[{{window]"))
                .withMessageContaining("unclosed");
        assertThatIllegalArgumentException().isThrownBy(() -> PromqlTemplate.parse("x{a=\"b}"))
                .withMessageContaining("unterminated");
        assertThatIllegalArgumentException().isThrownBy(() -> PromqlTemplate.parse(" "));
    }

    @Test
    void aMissingValueIsRefusedRatherThanRenderedEmpty() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("application", "video-api");
        Values values = new Values(labels, Duration.ofSeconds(30), null);

        assertThatIllegalArgumentException().isThrownBy(() -> PromqlTemplate.parse("x{v=\"{{version}}\"}").render(values))
                .withMessageContaining("no value for {{version}}");
        assertThatIllegalArgumentException().isThrownBy(() -> PromqlTemplate.parse("x{le=\"{{le}}\"}").render(values))
                .withMessageContaining("only the latency gate");
    }

    @ParameterizedTest
    @CsvSource({"PT30S, 30s", "PT1M30S, 90s", "PT1H, 3600s", "PT1.5S, 1500ms", "PT0.25S, 250ms"})
    void windowsRenderAsSecondsOrMilliseconds(Duration window, String rendered) {
        assertThat(PromqlTemplate.duration(window)).isEqualTo(rendered);
    }

    @ParameterizedTest
    @CsvSource({"PT0.5S, 0.5, 500", "PT1S, 1.0, 1000", "PT0.1S, 0.1, 100", "PT2.5S, 2.5, 2500",
        "PT0.0005S, 5.0E-4, 0.5"})
    void bucketBoundsRenderAsTheExportersWriteThem(Duration threshold, String seconds, String millis) {
        assertThat(PromqlTemplate.seconds(threshold)).isEqualTo(seconds);
        assertThat(PromqlTemplate.millis(threshold)).isEqualTo(millis);
    }
}
