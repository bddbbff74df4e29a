package dev.rollgate.controlplane.intake.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.intake.slack.SlackSignature.Verdict;

class SlackSignatureTests {

    // Slack's documented example: secret, timestamp, body and the signature they give.
    private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String BODY = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
            + "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
            + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private static final String TIMESTAMP = "1531420618";
    private static final String SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private static final Instant THEN = Instant.ofEpochSecond(1531420618);

    private final SlackSignature signature = new SlackSignature(SECRET);

    @Test
    void matchesSlacksDocumentedExample() {
        assertThat(signature.sign(TIMESTAMP, bytes(BODY))).isEqualTo(SIGNATURE);
        assertThat(signature.verify(TIMESTAMP, SIGNATURE, bytes(BODY), THEN)).isEqualTo(Verdict.VALID);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            four minutes late               | 1531420618 | 240    | VALID
            five minutes late exactly       | 1531420618 | 300    | VALID
            five minutes and a second late  | 1531420618 | 301    | STALE
            from five minutes in the future | 1531420618 | -301   | STALE
            a day old                       | 1531420618 | 86400  | STALE
            no timestamp                    | null       | 0      | MISSING
            blank timestamp                 | ' '        | 0      | MISSING
            timestamp not a number          | 15314x0618 | 0      | MALFORMED
            """)
    void judgesTheTimestampAgainstFiveMinutes(String name, String timestamp, long secondsLater, Verdict expected) {
        assertThat(signature.verify(timestamp, SIGNATURE, bytes(BODY), THEN.plusSeconds(secondsLater)))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            no signature            | null
            empty signature         | ''
            other algorithm version | v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503
            one digit off           | v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b504
            truncated               | v0=a2114d57b48eac39b9ad189dd8316235
            upper-case hex          | v0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD27519666489C69B503
            """)
    void refusesAnythingButTheExactSignature(String name, String given) {
        assertThat(signature.verify(TIMESTAMP, given, bytes(BODY), THEN)).isNotEqualTo(Verdict.VALID);
    }

    @Test
    void refusesABodyChangedAfterSigning() {
        assertThat(signature.verify(TIMESTAMP, SIGNATURE, bytes(BODY + "&x=1"), THEN)).isEqualTo(Verdict.MISMATCH);
        assertThat(new SlackSignature("another-secret").verify(TIMESTAMP, SIGNATURE, bytes(BODY), THEN))
                .isEqualTo(Verdict.MISMATCH);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
