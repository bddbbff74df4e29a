package dev.rollgate.videoapi.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import dev.rollgate.videoapi.VideoApiApplication;

/**
 * Starts the real application with a bad knob. The database is pointed at a closed port and
 * migrations are off, so reaching the database is not what stops startup.
 */
class InvalidFaultSettingStartupTests {

    private static final String[] NO_DATABASE = {
            "--server.port=0", "--spring.main.banner-mode=off", "--spring.flyway.enabled=false",
            "--DB_HOST=127.0.0.1", "--DB_PORT=1"};

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "VIDEOAPI_FAULTS_ERROR_RATE, abc,   a number between 0 and 1",
            "VIDEOAPI_FAULTS_ERROR_RATE, 1.5,   a number between 0 and 1",
            "VIDEOAPI_FAULTS_ERROR_RATE, -0.1,  a number between 0 and 1",
            "VIDEOAPI_FAULTS_LATENCY_MS, abc,   between 0 and 60000",
            "VIDEOAPI_FAULTS_LATENCY_MS, 60001, between 0 and 60000",
            "VIDEOAPI_FAULTS_LATENCY_MS, -1,    between 0 and 60000",
            "VIDEOAPI_FAULTS_READY,      maybe, true or false"})
    void refusesToStartWithABadKnobInTheEnvironment(String variable, String value, String range) {
        Throwable failure = startWithEnvironment(Map.of(variable, value));

        assertThat(NestedExceptionUtils.getRootCause(failure))
                .isInstanceOf(InvalidFaultSettingException.class)
                .hasMessage(variable + " must be " + rangeSentence(variable) + ", got '" + value + "'")
                .hasMessageContaining(range);
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void refusesToStartWithABadKnobOnTheCommandLineAndSaysWhy(CapturedOutput output) {
        String[] args = append(NO_DATABASE, "--VIDEOAPI_FAULTS_ERROR_RATE=abc");
        Throwable failure = catchThrowable(() -> close(new SpringApplicationBuilder(VideoApiApplication.class).run(args)));

        assertThat(NestedExceptionUtils.getRootCause(failure))
                .isInstanceOf(InvalidFaultSettingException.class)
                .hasMessageContaining("VIDEOAPI_FAULTS_ERROR_RATE")
                .hasMessageContaining("between 0 and 1");
        // What the operator reads: Boot's failure report, filled in by FaultSettingFailureAnalyzer.
        assertThat(output).contains("APPLICATION FAILED TO START",
                "VIDEOAPI_FAULTS_ERROR_RATE must be a number between 0 and 1, got 'abc'",
                "Set VIDEOAPI_FAULTS_ERROR_RATE to a number between 0 and 1, or unset it");
    }

    /** Puts the knob where the operating system would: in the systemEnvironment property source. */
    private static Throwable startWithEnvironment(Map<String, String> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        Map<String, Object> systemEnvironment = new HashMap<>(environment.getSystemEnvironment());
        systemEnvironment.putAll(variables);
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        systemEnvironment));
        return catchThrowable(() -> close(new SpringApplicationBuilder(VideoApiApplication.class)
                .environment(environment)
                .run(NO_DATABASE)));
    }

    private static String rangeSentence(String variable) {
        return switch (variable) {
            case FaultSettings.ERROR_RATE -> "a number between 0 and 1";
            case FaultSettings.LATENCY_MS -> "a whole number of milliseconds between 0 and 60000";
            default -> "true or false";
        };
    }

    private static void close(ConfigurableApplicationContext context) {
        // Only reached if startup wrongly succeeded; the assertion on the failure then reports it.
        context.close();
    }

    private static String[] append(String[] args, String extra) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = extra;
        return all;
    }
}
