package dev.rollgate.controlplane.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * What the workflow linter cannot know: that the GitHub workflows agree with .ci/run and with each other, and keep
 * their permissions as small as the README says. (The linter, run by .ci/run, checks the schema and job graph.)
 */
class WorkflowFilesTests {

    private static final Path ROOT = root();
    private static final Path WORKFLOWS = ROOT.resolve(".github/workflows");
    // A YAML 1.2 reader: to a YAML 1.1 reader the key "on" is the boolean true.
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern DATABASES = Pattern.compile("for db in ([^;]+);\\s*do");

    @Test
    void ciCreatesTheSameTestDatabasesAsCiRun() throws IOException {
        String run = step(workflow("ci.yml").path("jobs").path("test"), "Create the test databases").path("run").asString();

        assertThat(databases(run)).isNotEmpty().containsExactlyElementsOf(databases(Files.readString(ROOT.resolve(".ci/run"))));
    }

    @Test
    void ciInstallsEveryNpmToolCiRunInstalls() throws IOException {
        Matcher tools = Pattern.compile("(?m)^npm_global (\\S+)(?: (\\S+))?$").matcher(Files.readString(ROOT.resolve(".ci/run")));
        String install = workflow("ci.yml").path("jobs").path("test").path("steps").valueStream()
                .map(step -> step.path("run").asString("")).filter(run -> run.contains("npm install")).findFirst()
                .orElseThrow(() -> new AssertionError("ci.yml installs nothing with npm"));
        List<String> names = new ArrayList<>();
        while (tools.find()) {
            // Same version in both places: CI on GitHub and .ci/run lint with the same rules.
            names.add(tools.group(2) == null ? tools.group(1) : tools.group(1) + "@" + tools.group(2));
        }

        assertThat(names).contains("@action-validator/cli@0.6.0").allSatisfy(name -> assertThat(install).contains(name));
    }

    @Test
    void everyActionIsPinnedToAMajorVersionAndEveryJobDeclaresItsPermissions() throws IOException {
        for (Path file : workflowFiles()) {
            JsonNode workflow = workflow(file.getFileName().toString());
            assertThat(workflow.has("permissions")).as("%s sets top-level permissions", file).isTrue();
            for (Map.Entry<String, JsonNode> job : workflow.path("jobs").properties()) {
                assertThat(job.getValue().has("permissions")).as("%s job %s sets its permissions", file, job.getKey())
                        .isTrue();
                String reusable = job.getValue().path("uses").asString("");
                if (!reusable.isEmpty()) {
                    assertThat(reusable).startsWith("./.github/workflows/");
                    assertThat(ROOT.resolve(reusable)).as("%s calls a workflow that exists", file).isRegularFile();
                }
                for (JsonNode step : job.getValue().path("steps")) {
                    String uses = step.path("uses").asString("");
                    if (!uses.isEmpty()) {
                        assertThat(uses).as("%s job %s", file, job.getKey()).matches("[\\w.-]+/[\\w.-]+@v\\d+");
                    }
                }
            }
        }
    }

    @Test
    void onlyTheBuildJobMayWritePackages() throws IOException {
        List<String> writers = new ArrayList<>();
        for (Path file : workflowFiles()) {
            for (Map.Entry<String, JsonNode> job : workflow(file.getFileName().toString()).path("jobs").properties()) {
                if ("write".equals(job.getValue().path("permissions").path("packages").asString(""))) {
                    writers.add(file.getFileName() + ":" + job.getKey());
                }
            }
        }
        // The deploy workflows' "ship" jobs only pass the ceiling on to ship.yml, whose build job uses it.
        assertThat(writers).containsExactlyInAnyOrder("ship.yml:build", "deploy.yml:ship", "deploy-staging.yml:ship");
        assertThat(workflow("ship.yml").path("jobs").path("deploy").path("permissions").properties())
                .extracting(Map.Entry::getKey).containsExactly("contents");
    }

    @Test
    void mainGoesToProductionAndDevelopToStagingAfterTheirTests() throws IOException {
        assertDeploys("deploy.yml", "main", "production");
        assertDeploys("deploy-staging.yml", "develop", "staging");
    }

    @Test
    void theDeployJobReleasesThroughTheScriptOneReleasePerEnvironmentAtATime() throws IOException {
        JsonNode deploy = workflow("ship.yml").path("jobs").path("deploy");
        assertThat(deploy.path("needs").asString()).isEqualTo("build");
        assertThat(deploy.path("environment").asString()).isEqualTo("${{ inputs.environment }}");
        assertThat(deploy.path("concurrency").path("group").asString()).contains("${{ inputs.environment }}");
        assertThat(deploy.path("concurrency").path("cancel-in-progress").asBoolean(true)).isFalse();

        JsonNode release = step(deploy, "Release video-api through Rollgate");
        assertThat(release.path("run").asString()).startsWith("scripts/rollgate-release")
                .contains("--application video-api", "--commit \"$GITHUB_SHA\"",
                        "--idempotency-key \"github-run-$GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT\"");
        assertThat(release.path("env").path("ROLLGATE_TOKEN").asString()).isEqualTo("${{ secrets.ROLLGATE_TOKEN }}");
        assertThat(release.path("env").path("ROLLGATE_URL").asString()).isEqualTo("${{ secrets.ROLLGATE_URL }}");
        assertThat(release.path("env").path("ROLLGATE_VERSION").asString()).isEqualTo("${{ needs.build.outputs.tag }}");
        assertThat(Files.isExecutable(ROOT.resolve("scripts/rollgate-release"))).isTrue();
    }

    private static void assertDeploys(String file, String branch, String environment) throws IOException {
        JsonNode workflow = workflow(file);
        assertThat(workflow.path("on").path("push").path("branches").valueStream().map(JsonNode::asString))
                .as(file).containsExactly(branch);
        JsonNode jobs = workflow.path("jobs");
        assertThat(jobs.path("test").path("uses").asString()).isEqualTo("./.github/workflows/ci.yml");
        assertThat(jobs.path("ship").path("needs").asString()).isEqualTo("test");
        assertThat(jobs.path("ship").path("uses").asString()).isEqualTo("./.github/workflows/ship.yml");
        assertThat(jobs.path("ship").path("with").path("environment").asString()).isEqualTo(environment);
    }

    private static List<String> databases(String script) {
        Matcher m = DATABASES.matcher(script);
        assertThat(m.find()).as("a 'for db in ...; do' loop in%n%s", script).isTrue();
        return Arrays.stream(m.group(1).replace("\\", " ").trim().split("\\s+")).toList();
    }

    private static JsonNode step(JsonNode job, String name) {
        return job.path("steps").valueStream().filter(s -> name.equals(s.path("name").asString(""))).findFirst()
                .orElseThrow(() -> new AssertionError("no step named '" + name + "'"));
    }

    private static JsonNode workflow(String name) throws IOException {
        return YAML.readTree(Files.readString(WORKFLOWS.resolve(name)));
    }

    private static List<Path> workflowFiles() throws IOException {
        try (Stream<Path> files = Files.list(WORKFLOWS)) {
            List<Path> found = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
            assertThat(found).extracting(p -> p.getFileName().toString())
                    .contains("ci.yml", "deploy.yml", "deploy-staging.yml", "ship.yml");
            return found;
        }
    }

    /** Surefire runs in the module directory; the workflows live at the repository's root. */
    private static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".github/workflows"))) {
                return dir;
            }
        }
        throw new IllegalStateException(".github/workflows not found above " + Path.of("").toAbsolutePath());
    }
}
