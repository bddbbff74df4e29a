package dev.rollgate.controlplane.delivery;

import static dev.rollgate.controlplane.delivery.DockerfileRulesTests.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml as Rollgate would see it: the rollgate service's environment (interpolated from .env.example,
 * as `docker compose up` after `cp .env.example .env` would) bound the way Spring Boot binds a container's
 * environment over application.yml. `docker-compose config` in .ci/run checks the file's syntax; this checks
 * that the variables it sets are the ones Rollgate reads, and that they point at the stack's own services.
 */
class DockerComposeTests {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::([?-])([^}]*))?}");

    private final Map<String, String> dotEnv = dotEnv(ROOT.resolve(".env.example"));
    private final Map<String, Object> compose = yaml(ROOT.resolve("docker-compose.yml"));
    private final StandardEnvironment rollgate = rollgateEnvironment();

    @Test
    void rollgateAndItsVideoApiProcessesUseTheStacksPostgresWithItsPassword() {
        String password = string(service("postgres"), "environment", "POSTGRES_PASSWORD");

        assertThat(rollgate.getProperty("spring.r2dbc.url")).isEqualTo("r2dbc:postgresql://postgres:5432/rollgate");
        assertThat(rollgate.getProperty("spring.flyway.url")).isEqualTo("jdbc:postgresql://postgres:5432/rollgate");
        assertThat(rollgate.getProperty("spring.r2dbc.password")).isEqualTo(password).isNotBlank();
        assertThat(rollgate.getProperty("rollgate.local.database.host")).isEqualTo("postgres");
        assertThat(rollgate.getProperty("rollgate.local.database.password")).isEqualTo(password);
        assertThat(string(service("rollgate"), "depends_on", "postgres", "condition")).isEqualTo("service_healthy");
        assertThat(map(service("postgres"), "healthcheck").get("test").toString()).contains("pg_isready");
    }

    @Test
    void theConsolePasswordComesFromDotEnvAndTheFrontPortsListenBeyondTheContainersLoopback() {
        assertThat(rollgate.getProperty("rollgate.console.admin-password"))
                .isEqualTo(dotEnv.get("ROLLGATE_ADMIN_PASSWORD")).isNotBlank();
        assertThat(rollgate.getProperty("rollgate.local.bind-address")).isEqualTo("0.0.0.0");
        assertThat(rollgate.getProperty("rollgate.local.jar")).as("the image's ENV stays in charge").isEmpty();
    }

    @Test
    void publishesTheConsoleAndEveryFrontPortOfTheShippedConfiguration() {
        TreeSet<Integer> published = new TreeSet<>();
        for (Object port : (List<?>) service("rollgate").get("ports")) {
            String[] parts = port.toString().split(":");
            String[] range = parts[parts.length - 1].split("-");
            for (int p = Integer.parseInt(range[0]); p <= Integer.parseInt(range[range.length - 1]); p++) {
                published.add(p);
            }
        }
        TreeSet<Integer> expected = new TreeSet<>(List.of(rollgate.getProperty("server.port", Integer.class)));
        for (String environment : List.of("dev", "staging", "production")) {
            expected.add(rollgate.getProperty("rollgate.local.ports.video-api." + environment, Integer.class));
        }
        assertThat(published).isEqualTo(expected);
    }

    @Test
    void prometheusScrapesRollgatesMetricsAndRollgateCanQueryIt() throws IOException {
        assertThat(rollgate.getProperty("rollgate.prometheus.endpoints.default.url"))
                .isEqualTo("http://prometheus:9090");
        assertThat(rollgate.getProperty("rollgate.environments.staging.metrics")).isEqualTo("builtin");

        String mount = ((List<?>) service("prometheus").get("volumes")).get(0).toString();
        Path config = ROOT.resolve(mount.substring(0, mount.indexOf(':')));
        Map<String, Object> prometheus = yaml(config);
        Map<?, ?> job = ((List<?>) prometheus.get("scrape_configs")).stream().map(Map.class::cast)
                .filter(j -> "rollgate".equals(j.get("job_name"))).findFirst().orElseThrow();
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        assertThat(((Map<?, ?>) ((List<?>) job.get("static_configs")).get(0)).get("targets").toString())
                .contains("rollgate:" + rollgate.getProperty("server.port"));
        assertThat(rollgate.getProperty("management.endpoints.web.exposure.include")).contains("prometheus");
    }

    private StandardEnvironment rollgateEnvironment() {
        Map<String, Object> variables = new LinkedHashMap<>();
        map(service("rollgate"), "environment").forEach((k, v) -> variables.put(k.toString(), String.valueOf(v)));
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        variables));
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        try {
            for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yml",
                    new FileSystemResource(ROOT.resolve("control-plane/src/main/resources/application.yml")))) {
                environment.getPropertySources().addLast(source);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ConfigurationPropertySources.attach(environment);
        return environment;
    }

    private Map<?, ?> service(String name) {
        return map(compose, "services", name);
    }

    private static Map<?, ?> map(Map<?, ?> from, String... path) {
        Object at = from;
        for (String key : path) {
            at = ((Map<?, ?>) at).get(key);
            assertThat(at).as(String.join(".", path)).isNotNull();
        }
        return (Map<?, ?>) at;
    }

    private static String string(Map<?, ?> from, String... path) {
        Map<?, ?> parent = map(from, Arrays.copyOf(path, path.length - 1));
        return String.valueOf(parent.get(path[path.length - 1]));
    }

    /** The file with ${VAR}, ${VAR:-default} and ${VAR:?message} filled in from .env.example, as compose does. */
    private Map<String, Object> yaml(Path file) {
        try {
            Matcher m = VARIABLE.matcher(Files.readString(file));
            StringBuilder text = new StringBuilder();
            while (m.find()) {
                String value = dotEnv.getOrDefault(m.group(1), "");
                if (value.isEmpty() && "?".equals(m.group(2))) {
                    throw new IllegalStateException(m.group(1) + " is required but .env.example leaves it empty");
                }
                m.appendReplacement(text, Matcher.quoteReplacement(
                        value.isEmpty() && "-".equals(m.group(2)) ? m.group(3) : value));
            }
            return new Yaml().load(m.appendTail(text).toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> dotEnv(Path file) {
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (!line.isBlank() && !line.startsWith("#") && eq > 0) {
                    values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return values;
    }
}
