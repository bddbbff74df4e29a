package dev.rollgate.controlplane.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * The Terraform of spec §6 cannot be applied here (no Google Cloud, no provider downloads), so every file is parsed
 * with HashiCorp's HCL parser (hcl2json, as WebAssembly from npm) and the parts the platform relies on are checked.
 */
class TerraformModuleTests {

    private static final Path MODULE = Path.of("../infra/terraform");
    private static final Pattern VARIABLE_REFERENCE = Pattern.compile("\\bvar\\.([a-z0-9_]+)");
    private static final Pattern RESOURCE_REFERENCE = Pattern.compile("\\b(google_[a-z0-9_]+)\\.([a-z0-9_]+)\\b");

    private static Map<String, JsonNode> files;

    @BeforeAll
    static void parseEveryFile() throws Exception {
        files = Hcl.parse(MODULE);
    }

    private static JsonNode resource(String type, String name) {
        for (JsonNode file : files.values()) {
            JsonNode r = file.path("resource").path(type).path(name);
            if (!r.isMissingNode()) {
                return r.get(0);
            }
        }
        throw new AssertionError("no resource " + type + "." + name + " in " + MODULE);
    }

    private static JsonNode block(JsonNode parent, String name) {
        JsonNode b = parent.path(name);
        assertThat(b.isArray() && !b.isEmpty()).as("block %s in %s", name, parent).isTrue();
        return b.get(0);
    }

    private static Map<String, JsonNode> declared(String kind) {
        Map<String, JsonNode> all = new LinkedHashMap<>();
        files.values().forEach(f -> f.path(kind).properties().forEach(e -> all.put(e.getKey(), e.getValue().get(0))));
        return all;
    }

    private static String defaultOf(String variable) {
        return declared("variable").get(variable).path("default").asString();
    }

    @Test
    void everyFileOfTheModuleParses() {
        assertThat(files.keySet()).contains("versions.tf", "variables.tf", "network.tf", "gke.tf", "cloudsql.tf",
                "redis.tf", "outputs.tf");
        assertThat(files.get("versions.tf").path("terraform").get(0).path("required_providers").get(0)
                .path("google").path("version").asString()).as("the provider is pinned").startsWith("~>");
    }

    @Test
    void theClusterUsesWorkloadIdentityAndAnAutoscaledSelfHealingNodePool() {
        JsonNode cluster = resource("google_container_cluster", "primary");
        assertThat(block(cluster, "workload_identity_config").path("workload_pool").asString())
                .isEqualTo("${var.project_id}.svc.id.goog");
        assertThat(cluster.path("remove_default_node_pool").asBoolean()).isTrue();
        assertThat(block(cluster, "private_cluster_config").path("enable_private_nodes").asBoolean()).isTrue();

        JsonNode pool = resource("google_container_node_pool", "primary_nodes");
        JsonNode autoscaling = block(pool, "autoscaling");
        assertThat(autoscaling.path("min_node_count").asString()).isEqualTo("${var.node_min_count}");
        assertThat(autoscaling.path("max_node_count").asString()).isEqualTo("${var.node_max_count}");
        assertThat(defaultOf("node_min_count")).isEqualTo("3");
        assertThat(defaultOf("node_max_count")).isEqualTo("10");
        assertThat(pool.has("node_count")).as("a fixed node_count fights the autoscaler").isFalse();
        JsonNode management = block(pool, "management");
        assertThat(management.path("auto_repair").asBoolean()).isTrue();
        assertThat(management.path("auto_upgrade").asBoolean()).isTrue();
        assertThat(block(block(pool, "node_config"), "workload_metadata_config").path("mode").asString())
                .isEqualTo("GKE_METADATA");
    }

    @Test
    void theDatabaseIsPrivateBackedUpRecoverableToAPointInTimeAndReplicated() {
        JsonNode db = resource("google_sql_database_instance", "postgres");
        JsonNode settings = block(db, "settings");
        JsonNode backup = block(settings, "backup_configuration");
        assertThat(backup.path("enabled").asBoolean()).isTrue();
        assertThat(backup.path("point_in_time_recovery_enabled").asBoolean()).isTrue();
        JsonNode ip = block(settings, "ip_configuration");
        assertThat(ip.path("ipv4_enabled").asBoolean()).as("no public address").isFalse();
        assertThat(ip.path("private_network").asString()).isEqualTo("${google_compute_network.vpc.id}");
        assertThat(block(settings, "maintenance_window").path("update_track").asString()).isEqualTo("stable");
        assertThat(settings.path("database_flags").valueStream().map(f -> f.path("name").asString()))
                .contains("max_connections");
        assertThat(db.path("depends_on").toString()).as("the private address needs the peering first")
                .contains("google_service_networking_connection.private_services");
        assertThat(db.path("deletion_protection").asBoolean()).isTrue();

        JsonNode replica = resource("google_sql_database_instance", "postgres_replica");
        assertThat(replica.path("master_instance_name").asString())
                .isEqualTo("${google_sql_database_instance.postgres.name}");
        assertThat(block(block(replica, "settings"), "ip_configuration").path("ipv4_enabled").asBoolean()).isFalse();
    }

    @Test
    void theCacheIsHighlyAvailableOnThePrivateNetwork() {
        JsonNode redis = resource("google_redis_instance", "cache");
        assertThat(redis.path("tier").asString()).isEqualTo("STANDARD_HA");
        assertThat(redis.path("connect_mode").asString()).isEqualTo("PRIVATE_SERVICE_ACCESS");
        assertThat(redis.path("memory_size_gb").asString()).isEqualTo("${var.redis_memory_gb}");
    }

    @Test
    void everyVariableUsedIsDeclaredDescribedAndTypedAndEveryDeclaredOneIsUsed() {
        Map<String, JsonNode> variables = declared("variable");
        Set<String> used = new TreeSet<>();
        files.values().forEach(f -> {
            Matcher m = VARIABLE_REFERENCE.matcher(f.toString());
            while (m.find()) {
                used.add(m.group(1));
            }
        });
        assertThat(used).as("variables referenced").isSubsetOf(variables.keySet());
        assertThat(variables.keySet()).as("variables declared").isSubsetOf(used);
        variables.forEach((name, v) -> {
            assertThat(v.path("description").asString()).as("description of %s", name).isNotBlank();
            assertThat(v.path("type").asString()).as("type of %s", name).isNotBlank();
        });
        assertThat(variables.get("project_id").has("default")).as("the project is always chosen").isFalse();
    }

    @Test
    void everyReferenceNamesAResourceOfTheModuleAndTheOutputsCoverWhatTheChartsNeed() {
        Set<String> resources = new TreeSet<>();
        files.values().forEach(f -> f.path("resource").properties().forEach(type -> type.getValue().properties()
                .forEach(name -> resources.add(type.getKey() + "." + name.getKey()))));
        files.forEach((file, json) -> {
            Matcher m = RESOURCE_REFERENCE.matcher(json.toString());
            while (m.find()) {
                // A quoted type in `depends_on` or a block label is still a reference to check.
                assertThat(resources).as("reference in %s", file).contains(m.group(1) + "." + m.group(2));
            }
        });
        Map<String, JsonNode> outputs = declared("output");
        assertThat(outputs).containsKeys("cluster_name", "cluster_location", "database_private_ip",
                "database_connection_name", "database_replica_private_ip", "redis_host", "redis_port");
        outputs.forEach((name, o) -> assertThat(o.path("description").asString()).as("output %s", name).isNotBlank());
    }

    @Test
    void noSecretValueIsWrittenIntoTheModule() throws Exception {
        try (Stream<Path> tf = Files.list(MODULE)) {
            tf.filter(p -> p.toString().endsWith(".tf") || p.toString().endsWith(".example")).forEach(p -> {
                String text = read(p);
                assertThat(text).as(p.toString()).doesNotContainPattern("(?i)password\\s*=")
                        .doesNotContainPattern("(?i)private_key\\s*=");
            });
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
