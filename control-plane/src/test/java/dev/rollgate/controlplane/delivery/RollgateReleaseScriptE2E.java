package dev.rollgate.controlplane.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.Command;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseQuery;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.support.ApiCalls;
import dev.rollgate.controlplane.support.EngineTest;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import dev.rollgate.controlplane.support.ScriptedWorld.Behaviour;

/**
 * {@code scripts/rollgate-release}, the deploy workflows' start-and-wait step, run for real with bash, curl and jq
 * against a Rollgate listening on a real port (the scripted platform stands in for the cluster).
 */
@EngineTest
@AutoConfigureWebTestClient
class RollgateReleaseScriptE2E {

    private static final Path SCRIPT = locate(Path.of("scripts", "rollgate-release"));
    private static final Pattern CREATED = Pattern.compile("release ([0-9a-f-]{36}) created");
    private static final ScriptedWorld world = ScriptedWorld.INSTANCE;

    @Autowired
    WebTestClient http;
    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @LocalServerPort
    int port;

    ReleaseDriver driver;
    String token;

    record Run(int exit, String output) {
    }

    @BeforeAll
    static void toolsArePresent() throws Exception {
        Process check = new ProcessBuilder("bash", "-c", "command -v curl && command -v jq").start();
        assertThat(check.waitFor(10, TimeUnit.SECONDS) && check.exitValue() == 0)
                .as("scripts/rollgate-release needs curl and jq on the PATH (.ci/run installs jq)").isTrue();
    }

    @BeforeEach
    void setUp() {
        driver = new ReleaseDriver(service, releases, events);
        // Generous: on a loaded machine the first calls after the context starts can take seconds.
        http = http.mutate().responseTimeout(java.time.Duration.ofSeconds(30)).build();
        token = new ApiCalls(http).token("release-manager");
    }

    @Test
    void aGoodReleaseExitsZeroAfterPrintingEachStateChange() throws Exception {
        driver.establish("ship-a", "staging", "ship-a-1.0.0");
        world.scriptHealthy("ship-a-1.1.0");
        String commit = "3f2c1ab9d4e5f60718293a4b5c6d7e8f90a1b2c3";

        Run run = run(token, "--application", "ship-a", "--environment", "staging", "--version", "ship-a-1.1.0",
                "--commit", commit, "--idempotency-key", "gha-4242-1", "--reason", "deploy workflow");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).containsSubsequence("CREATED", "deploy workflow", "DEPLOYING", "STEP_ADVANCED",
                "step 1 of 3: 5 % of traffic on ship-a-1.1.0", "step 2 of 3: 25 %", "step 3 of 3: 50 %", "PROMOTING",
                "SUCCEEDED", "SUCCEEDED: ship-a ship-a-1.1.0 is live in staging");
        Release started = releases.findById(createdId(run)).block();
        assertThat(started.version()).isEqualTo("ship-a-1.1.0");
        assertThat(started.commitSha()).isEqualTo(commit);
        assertThat(started.state()).isEqualTo(ReleaseState.SUCCEEDED);

        // A re-run of the same workflow attempt follows the release the first run started instead of starting one.
        Run again = run(token, "--application", "ship-a", "--environment", "staging", "--version", "ship-a-1.1.0",
                "--commit", commit, "--idempotency-key", "gha-4242-1", "--reason", "deploy workflow");
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).contains("following release " + started.id());
        assertThat(releases.search(new ReleaseQuery("ship-a", "staging", null, 0, 10)).block().total()).isEqualTo(2);
    }

    @Test
    void aReleaseAGateRollsBackExitsNonZeroNamingTheGateThatTripped() throws Exception {
        driver.establish("ship-b", "staging", "ship-b-1.0.0");
        world.script("ship-b-2.0.0", new Behaviour(true, false,
                gate -> gate == GateKind.ERROR_RATE ? new Sample(3, 10, 30.0) : new Sample(0, 10, 0.0), List.of()));

        Run run = run(token, "-a", "ship-b", "-e", "staging", "-v", "ship-b-2.0.0");

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).containsSubsequence("GATE_FAILED",
                "error-rate 30.00 % vs threshold 5.00 % (3 bad of 10) [track canary]", "ROLLBACK_STARTED", "ROLLED_BACK",
                "ended ROLLED_BACK", "gate tripped: error-rate 30.00 %");
        assertThat(releases.findById(createdId(run)).block().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    }

    @Test
    void anUnreachableRollgateExitsNonZeroSayingItCannotBeReached() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        Run run = run(Map.of("ROLLGATE_URL", "http://127.0.0.1:" + closed, "ROLLGATE_TOKEN", token),
                "-a", "ship-a", "-e", "dev", "-v", "ship-a-9.9.9");

        assertThat(run.exit()).as(run.output()).isEqualTo(3);
        assertThat(run.output()).contains("cannot reach Rollgate at http://127.0.0.1:" + closed, "Check ROLLGATE_URL");
    }

    @Test
    void aWrongTokenOrOneWithoutTheRoleExitsNonZeroAndStartsNothing() throws Exception {
        String unknown = "rg-" + UUID.randomUUID();
        Run wrong = run(unknown, "-a", "ship-a", "-e", "dev", "-v", "ship-a-9.9.9");
        assertThat(wrong.exit()).as(wrong.output()).isEqualTo(4);
        assertThat(wrong.output()).contains("refused the token (401)", "Check ROLLGATE_TOKEN");

        Run viewer = run(new ApiCalls(http).token("viewer"), "-a", "ship-a", "-e", "dev", "-v", "ship-a-9.9.9");
        assertThat(viewer.exit()).as(viewer.output()).isEqualTo(4);
        assertThat(viewer.output()).contains("refused the token (403)", "release-manager role");

        assertThat(releases.search(new ReleaseQuery("ship-a", "dev", null, 0, 10)).block().total()).isZero();
    }

    @Test
    void aRefusedRequestExitsNonZeroWithTheProblemDetail() throws Exception {
        Run run = run(token, "-a", "no-such-app", "-e", "staging", "-v", "1.0.0");

        assertThat(run.exit()).as(run.output()).isEqualTo(5);
        assertThat(run.output()).contains("HTTP 400", "unknown application 'no-such-app'");
    }

    @Test
    void stopsWaitingAtTheTimeoutAndLeavesTheReleaseToRollgate() throws Exception {
        driver.bootstrap("ship-a", "slow-canary", "ship-a-0.9.0");
        world.scriptHealthy("ship-a-1.0.0");

        Run run = run(token, "-a", "ship-a", "-e", "slow-canary", "-v", "ship-a-1.0.0", "--timeout", "2s");

        assertThat(run.exit()).as(run.output()).isEqualTo(6);
        assertThat(run.output()).contains("timed out after 2s", "is still ", "it goes on in Rollgate");
        UUID id = createdId(run);
        assertThat(releases.findById(id).block().state().active()).isTrue();
        service.command(id, new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER, "test over"), null).block();
        driver.awaitSettled(id, ReleaseState.ROLLED_BACK);
    }

    private Run run(String bearer, String... args) throws Exception {
        return run(Map.of("ROLLGATE_URL", "http://127.0.0.1:" + port, "ROLLGATE_TOKEN", bearer), args);
    }

    /** Runs the script to its end; every run also checks that the token never reached the output. */
    private Run run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Only what the test sets: a developer's own ROLLGATE_* or a CI runner's GITHUB_ACTIONS must not leak in.
        builder.environment().keySet().removeIf(k -> k.startsWith("ROLLGATE_") || k.equals("GITHUB_ACTIONS"));
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("ROLLGATE_POLL_INTERVAL", "0.1");
        builder.environment().putAll(all);
        Path log = Files.createTempFile("rollgate-release", ".log");
        try {
            Process process = builder.redirectOutput(log.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("scripts/rollgate-release still running after 60 s:%n%s", Files.readString(log));
            }
            String output = Files.readString(log);
            // Into the Surefire report's output file, so a failing run can be read as CI printed it.
            System.out.printf("$ rollgate-release %s  (exit %d)%n%s%n", String.join(" ", args), process.exitValue(),
                    output);
            assertThat(output).as("the token never appears in the output").doesNotContain(env.get("ROLLGATE_TOKEN"));
            return new Run(process.exitValue(), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static UUID createdId(Run run) {
        Matcher m = CREATED.matcher(run.output());
        assertThat(m.find()).as("the output names the release it started:%n%s", run.output()).isTrue();
        return UUID.fromString(m.group(1));
    }

    /** Surefire runs in the module directory; the script lives at the repository's root. */
    private static Path locate(Path relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
