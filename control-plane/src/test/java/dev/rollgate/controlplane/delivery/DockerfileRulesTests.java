package dev.rollgate.controlplane.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

import dev.rollgate.controlplane.delivery.Dockerfile.Instruction;
import dev.rollgate.controlplane.delivery.Dockerfile.Stage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The images' rules, read from the Dockerfiles themselves: there is no Docker engine in CI (the GitHub workflow
 * builds the images for real), so what can be checked without one is checked here, for both images.
 */
class DockerfileRulesTests {

    static final Path ROOT = repositoryRoot();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern PORT = Pattern.compile("\\d{1,5}(-\\d{1,5})?(/(tcp|udp))?");

    static Stream<String> dockerfiles() {
        return Stream.of("video-api/Dockerfile", "control-plane/Dockerfile");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerfiles")
    void everyBaseImageIsPinnedToAVersion(String file) {
        assertThat(unpinnedBaseImages(Dockerfile.read(ROOT.resolve(file)))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerfiles")
    void buildsInOneStageAndRunsFromAnotherThatCopiesTheBuildOutput(String file) {
        assertThat(multiStageProblems(Dockerfile.read(ROOT.resolve(file)))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerfiles")
    void runsAsTheNonRootUid1001(String file) {
        assertThat(userProblems(Dockerfile.read(ROOT.resolve(file)))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerfiles")
    void declaresAHealthcheckAndItsPortsAndStartsInExecForm(String file) {
        Dockerfile dockerfile = Dockerfile.read(ROOT.resolve(file));
        assertThat(healthcheckProblems(dockerfile)).isEmpty();
        assertThat(exposeProblems(dockerfile)).isEmpty();
        assertThat(entrypointProblems(dockerfile)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerfiles")
    void ignoreFileKeepsBuildOutputGitAndSecretsOutAndLetsEverythingTheBuildCopiesIn(String file) throws IOException {
        assertThat(ignoreProblems(ROOT.resolve(file))).isEmpty();
    }

    @Test
    void controlPlaneImageCarriesTheVideoApiJarWhereTheLocalPlatformLooksForIt() {
        Stage runtime = Dockerfile.read(ROOT.resolve("control-plane/Dockerfile")).last();
        Map<String, String> env = runtime.env();

        assertThat(env).containsKeys("ROLLGATE_LOCAL_JAR", "ROLLGATE_STATE_DIR");
        List<String> copiedFromBuild = runtime.all("COPY").stream()
                .filter(copy -> copy.flags().containsKey("from"))
                .map(copy -> copy.operands().get(copy.operands().size() - 1))
                .toList();
        assertThat(copiedFromBuild).contains(env.get("ROLLGATE_LOCAL_JAR"));
        assertThat(env.get("ROLLGATE_LOCAL_JAR")).endsWith("/video-api.jar");
        assertThat(env.get("ROLLGATE_STATE_DIR")).as("an absolute path, not relative to WORKDIR").startsWith("/");
    }

    @Test
    void controlPlaneImageExposesTheConsoleAndEveryFrontPortOfTheShippedConfiguration() throws IOException {
        Stage runtime = Dockerfile.read(ROOT.resolve("control-plane/Dockerfile")).last();
        TreeSet<String> exposed = new TreeSet<>();
        runtime.all("EXPOSE").forEach(expose -> exposed.addAll(expose.operands()));

        TreeSet<String> expected = new TreeSet<>();
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader().load("application",
                new FileSystemResource(ROOT.resolve("control-plane/src/main/resources/application.yml")));
        for (PropertySource<?> source : yaml) {
            Map<?, ?> properties = (Map<?, ?>) source.getSource();
            properties.forEach((key, value) -> {
                if (key.toString().startsWith("rollgate.local.ports.")) {
                    expected.add(value.toString());
                }
            });
            Matcher serverPort = Pattern.compile("\\$\\{PORT:(\\d+)}").matcher(properties.get("server.port").toString());
            assertThat(serverPort.matches()).as("server.port reads PORT with a default").isTrue();
            expected.add(serverPort.group(1));
            assertThat(runtime.env()).containsEntry("PORT", serverPort.group(1));
        }
        assertThat(exposed).isEqualTo(expected);
    }

    // The rules themselves must be able to fail, or the tests above would prove nothing.

    @Test
    void rulesCatchUntaggedLatestAndVersionlessBaseImagesButNotStageReferences() {
        Dockerfile dockerfile = Dockerfile.parse("""
                FROM eclipse-temurin AS a
                FROM maven:latest AS b
                FROM registry.example.com:5000/tools/jdk AS c
                FROM ubuntu:jammy AS d
                FROM eclipse-temurin:17-jre@sha256:0123abcd
                FROM b
                """);

        assertThat(unpinnedBaseImages(dockerfile)).containsExactly(
                "eclipse-temurin: no tag (means latest)",
                "maven:latest: latest is not a version",
                "registry.example.com:5000/tools/jdk: no tag (means latest)",
                "ubuntu:jammy: tag 'jammy' names no version");
    }

    @Test
    void rulesCatchASingleStageRootImageWithoutHealthcheckStartedThroughAShell() {
        Dockerfile dockerfile = Dockerfile.parse("""
                # syntax=docker/dockerfile:1
                FROM eclipse-temurin:17-jre
                COPY target/app.jar /app.jar
                USER 1001
                RUN echo \\
                    still the RUN
                USER root
                EXPOSE http
                HEALTHCHECK NONE
                ENTRYPOINT java -jar /app.jar
                """);

        assertThat(multiStageProblems(dockerfile)).containsExactly(
                "one stage: the build tools ship in the image", "the final stage copies nothing from a build stage");
        assertThat(userProblems(dockerfile)).containsExactly("final USER is root, not 1001");
        assertThat(healthcheckProblems(dockerfile)).containsExactly("HEALTHCHECK NONE switches the check off");
        assertThat(exposeProblems(dockerfile)).containsExactly("EXPOSE http: not a port");
        assertThat(entrypointProblems(dockerfile)).containsExactly(
                "ENTRYPOINT in shell form: signals go to /bin/sh, not the JVM");
        assertThat(dockerfile.last().all("RUN").get(0).arguments()).isEqualTo("echo  still the RUN");
    }

    @Test
    void ignoreFileMatchingFollowsBuildKit() {
        DockerIgnore allowList = DockerIgnore.parse("""
                # comments and blank lines are skipped

                *
                !video-api/src/main/
                !pom.xml
                """);
        assertThat(allowList.excludes("video-api/target/video-api.jar")).as("* matches its first directory").isTrue();
        assertThat(allowList.excludes(".git/HEAD")).as("* matches dot files").isTrue();
        assertThat(allowList.excludes("video-api/src/main/java/A.java")).isFalse();
        assertThat(allowList.excludes("pom.xml")).isFalse();
        assertThat(allowList.excludes("video-api/pom.xml")).isTrue();

        DockerIgnore denyList = DockerIgnore.parse("""
                **/target
                .git
                *.md
                !README.md
                """);
        assertThat(denyList.excludes("target/classes/A.class")).isTrue();
        assertThat(denyList.excludes("a/b/target/x.jar")).isTrue();
        assertThat(denyList.excludes("a/target-notes/x")).isFalse();
        assertThat(denyList.excludes(".git/objects/ab")).isTrue();
        assertThat(denyList.excludes("docs/.git")).as("a plain pattern is anchored at the root").isFalse();
        assertThat(denyList.excludes("CHANGES.md")).isTrue();
        assertThat(denyList.excludes("docs/CHANGES.md")).as("* does not cross a /").isFalse();
        assertThat(denyList.excludes("README.md")).isFalse();
    }

    static List<String> unpinnedBaseImages(Dockerfile dockerfile) {
        List<String> problems = new ArrayList<>();
        for (Stage stage : dockerfile.stages()) {
            String image = stage.image();
            if (dockerfile.stage(image, stage.index()).isPresent() || image.equals("scratch")) {
                continue;
            }
            if (image.contains("$")) {
                problems.add(image + ": a variable, not a visible version");
                continue;
            }
            String reference = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
            int colon = reference.indexOf(':', reference.lastIndexOf('/') + 1);
            String tag = colon < 0 ? "" : reference.substring(colon + 1);
            if (image.contains("@sha256:")) {
                continue;
            }
            if (tag.isEmpty()) {
                problems.add(image + ": no tag (means latest)");
            } else if (tag.equals("latest")) {
                problems.add(image + ": latest is not a version");
            } else if (!tag.matches(".*\\d.*")) {
                problems.add(image + ": tag '" + tag + "' names no version");
            }
        }
        return problems;
    }

    static List<String> multiStageProblems(Dockerfile dockerfile) {
        List<String> problems = new ArrayList<>();
        if (dockerfile.stages().size() < 2) {
            problems.add("one stage: the build tools ship in the image");
        }
        Stage runtime = dockerfile.last();
        boolean copiesBuildOutput = runtime.all("COPY").stream()
                .map(copy -> copy.flags().get("from"))
                .anyMatch(from -> from != null && dockerfile.stage(from, runtime.index()).isPresent());
        if (!copiesBuildOutput) {
            problems.add("the final stage copies nothing from a build stage");
        }
        return problems;
    }

    static List<String> userProblems(Dockerfile dockerfile) {
        Optional<Instruction> user = dockerfile.last().last("USER");
        if (user.isEmpty()) {
            return List.of("no USER in the final stage: the process runs as root");
        }
        String name = user.get().arguments().split(":")[0];
        return name.equals("1001") ? List.of() : List.of("final USER is " + name + ", not 1001");
    }

    static List<String> healthcheckProblems(Dockerfile dockerfile) {
        Optional<Instruction> check = dockerfile.last().last("HEALTHCHECK");
        if (check.isEmpty()) {
            return List.of("no HEALTHCHECK in the final stage");
        }
        if (check.get().arguments().equalsIgnoreCase("NONE")) {
            return List.of("HEALTHCHECK NONE switches the check off");
        }
        return check.get().operands().contains("CMD") ? List.of() : List.of("HEALTHCHECK without CMD");
    }

    static List<String> exposeProblems(Dockerfile dockerfile) {
        List<Instruction> exposes = dockerfile.last().all("EXPOSE");
        if (exposes.isEmpty()) {
            return List.of("no EXPOSE in the final stage");
        }
        return exposes.stream().flatMap(e -> e.operands().stream())
                .filter(port -> !PORT.matcher(port).matches())
                .map(port -> "EXPOSE " + port + ": not a port")
                .toList();
    }

    static List<String> entrypointProblems(Dockerfile dockerfile) {
        Optional<Instruction> entrypoint = dockerfile.last().last("ENTRYPOINT");
        if (entrypoint.isEmpty()) {
            return List.of("no ENTRYPOINT in the final stage");
        }
        String arguments = entrypoint.get().arguments();
        if (!arguments.startsWith("[")) {
            return List.of("ENTRYPOINT in shell form: signals go to /bin/sh, not the JVM");
        }
        try {
            List<?> command = JSON.readValue(arguments, List.class);
            boolean strings = !command.isEmpty() && command.stream().allMatch(String.class::isInstance);
            return strings ? List.of() : List.of("ENTRYPOINT " + arguments + ": not a list of strings");
        } catch (JacksonException e) {
            return List.of("ENTRYPOINT " + arguments + ": not a JSON array, so Docker runs it through a shell");
        }
    }

    /** BuildKit reads {@code <Dockerfile>.dockerignore} beside a Dockerfile given with -f; the context is the root. */
    static List<String> ignoreProblems(Path file) throws IOException {
        Path ignoreFile = file.resolveSibling(file.getFileName() + ".dockerignore");
        if (!Files.isRegularFile(ignoreFile)) {
            return List.of("no " + ROOT.relativize(ignoreFile));
        }
        DockerIgnore ignore = DockerIgnore.read(ignoreFile);
        List<String> problems = new ArrayList<>();
        for (String leftOut : List.of("target/x", "video-api/target/video-api.jar", "control-plane/target/control-plane.jar",
                ".git", ".git/config", ".env", ".rollgate/run/x.json")) {
            if (!ignore.excludes(leftOut)) {
                problems.add(leftOut + " reaches the build context");
            }
        }
        Dockerfile dockerfile = Dockerfile.read(file);
        for (Stage stage : dockerfile.stages()) {
            for (Instruction copy : stage.all("COPY")) {
                List<String> operands = copy.operands();
                for (String source : copy.flags().containsKey("from") ? List.<String>of()
                        : operands.subList(0, operands.size() - 1)) {
                    if (filesInContext(ignore, source).isEmpty()) {
                        problems.add("COPY " + source + ": nothing of it reaches the build context");
                    }
                }
            }
        }
        // A COPY of a whole module may rely on the ignore file to trim it; what its jar is built from may not be.
        for (String module : modulesShipped(dockerfile)) {
            for (String needed : List.of("pom.xml", module + "/pom.xml", module + "/src/main", "db/" + module)) {
                if (Files.exists(ROOT.resolve(needed))) {
                    try (Stream<Path> files = Files.walk(ROOT.resolve(needed))) {
                        files.filter(Files::isRegularFile).map(DockerfileRulesTests::relative).filter(ignore::excludes)
                                .forEach(f -> problems.add(f + " (needed to build " + module + ") is left out"));
                    }
                }
            }
        }
        return problems;
    }

    /** The modules whose jar the final stage copies out of a build stage ({@code /src/<module>/target/x.jar}). */
    static List<String> modulesShipped(Dockerfile dockerfile) {
        Pattern jar = Pattern.compile(".*/([\\w.-]+)/target/[^/]+\\.jar");
        return dockerfile.last().all("COPY").stream()
                .filter(copy -> copy.flags().containsKey("from"))
                .flatMap(copy -> copy.operands().subList(0, copy.operands().size() - 1).stream())
                .map(jar::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1))
                .distinct()
                .toList();
    }

    private static List<String> filesInContext(DockerIgnore ignore, String source) throws IOException {
        Path path = ROOT.resolve(source).normalize();
        if (!Files.exists(path)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).map(DockerfileRulesTests::relative)
                    .filter(f -> !ignore.excludes(f)).toList();
        }
    }

    private static String relative(Path file) {
        return ROOT.relativize(file).toString().replace('\\', '/');
    }

    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("control-plane")) ? here : here.getParent();
    }
}
