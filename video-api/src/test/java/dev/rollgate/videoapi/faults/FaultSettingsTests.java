package dev.rollgate.videoapi.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

class FaultSettingsTests {

    @Test
    void defaultsToNoFaults() {
        assertThat(FaultSettings.parse("0", "0", "true")).isEqualTo(FaultSettings.NONE);
        assertThat(FaultSettings.parse(null, null, null)).isEqualTo(FaultSettings.NONE);
        assertThat(FaultSettings.parse(" ", "", "")).isEqualTo(FaultSettings.NONE);
        assertThat(FaultSettings.NONE.injectsFaults()).isFalse();
    }

    @Test
    void acceptsValuesAtTheBounds() {
        FaultSettings settings = FaultSettings.parse("1", "60000", "FALSE");
        assertThat(settings.errorRate()).isEqualTo(1.0);
        assertThat(settings.latency()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.ready()).isFalse();
        assertThat(settings.injectsFaults()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-0.01", "1.01", "NaN", "Infinity", "30%"})
    void rejectsErrorRateOutsideZeroToOne(String value) {
        assertThatThrownBy(() -> FaultSettings.parse(value, "0", "true"))
                .isInstanceOf(InvalidFaultSettingException.class)
                .hasMessage("VIDEOAPI_FAULTS_ERROR_RATE must be a number between 0 and 1, got '" + value + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "60001", "2.5", "300ms"})
    void rejectsLatencyOutsideZeroToSixtySeconds(String value) {
        assertThatThrownBy(() -> FaultSettings.parse("0", value, "true"))
                .isInstanceOf(InvalidFaultSettingException.class)
                .hasMessage("VIDEOAPI_FAULTS_LATENCY_MS must be a whole number of milliseconds between 0 and 60000, got '"
                        + value + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "0", "1", "ture"})
    void rejectsReadyOtherThanTrueOrFalse(String value) {
        assertThatThrownBy(() -> FaultSettings.parse("0", "0", value))
                .isInstanceOf(InvalidFaultSettingException.class)
                .hasMessage("VIDEOAPI_FAULTS_READY must be true or false, got '" + value + "'");
    }

    @ParameterizedTest
    @CsvSource({"0.3,0,true", "0,250,true"})
    void injectsFaultsOnlyWhenARateOrLatencyIsSet(String rate, String latency, String ready) {
        assertThat(FaultSettings.parse(rate, latency, ready).injectsFaults()).isTrue();
    }

    @Test
    void explainsABadKnobInTheStartupFailureReport() {
        // Boot's own analyzers need constructor arguments; skipping them leaves the ones that stand alone.
        var analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
                .load(FailureAnalyzer.class, (type, name, failure) -> { });
        var ours = analyzers.stream().filter(FaultSettingFailureAnalyzer.class::isInstance).findFirst();
        assertThat(ours).as("registered in META-INF/spring.factories").isPresent();

        var failure = new IllegalStateException("context failed",
                new InvalidFaultSettingException("VIDEOAPI_FAULTS_READY", "true or false", "maybe"));
        var analysis = ours.get().analyze(failure);

        assertThat(analysis.getDescription()).isEqualTo("VIDEOAPI_FAULTS_READY must be true or false, got 'maybe'");
        assertThat(analysis.getAction()).contains("VIDEOAPI_FAULTS_READY", "true or false");
    }
}
