package dev.rollgate.controlplane.charts;

import static dev.rollgate.controlplane.charts.ControlPlaneChart.FULLNAME;
import static dev.rollgate.controlplane.charts.ControlPlaneChart.NAMESPACE;
import static dev.rollgate.controlplane.charts.ControlPlaneChart.objects;
import static dev.rollgate.controlplane.charts.ControlPlaneChart.ofKind;
import static dev.rollgate.controlplane.charts.ControlPlaneChart.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.rollgate.controlplane.platform.kubernetes.KubernetesPermissions;
import dev.rollgate.controlplane.platform.kubernetes.KubernetesPermissions.Need;
import dev.rollgate.controlplane.platform.kubernetes.KubernetesPermissions.Permission;
import dev.rollgate.controlplane.platform.kubernetes.KubernetesProperties.SmokeMode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

/**
 * The chart grants exactly {@link KubernetesPermissions} — which KubernetesPermissionsTests holds to what the adapters
 * send — for every mix of routers, smoke mode, namespace check and scope: no verb more, none fewer. The README's
 * RBAC table says the same.
 */
class ControlPlaneChartRbacTests {

    private static final List<String> ENVIRONMENTS = List.of("dev", "staging", "production");
    private static final List<String> NAMESPACES = List.of("video-dev", "video-staging", "video-production");
    private static final Set<String> CLUSTER_SCOPED = KubernetesPermissions.RULES.stream()
            .filter(KubernetesPermissions.Rule::clusterScoped).map(KubernetesPermissions.Rule::resource)
            .collect(Collectors.toSet());

    static Stream<Arguments> installations() {
        List<List<String>> routerSets = List.of(List.of("service"), List.of("istio"), List.of("gateway-api"),
                List.of("istio", "service"), List.of("gateway-api", "service"), List.of("gateway-api", "istio"),
                List.of("gateway-api", "istio", "service"));
        List<Arguments> all = new ArrayList<>();
        for (List<String> routers : routerSets) {
            for (SmokeMode smoke : SmokeMode.values()) {
                for (boolean clusterWide : new boolean[] {false, true}) {
                    // Both settings of the namespace check for each scope, spread over the router sets.
                    boolean namespaceCheck = (all.size() / 2) % 2 == 0;
                    all.add(Arguments.of(routers, smoke, clusterWide, namespaceCheck));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "routers {0}, smoke {1}, cluster-wide {2}, namespace check {3}")
    @MethodSource("installations")
    void grantsExactlyWhatThePlatformCalls(List<String> routers, SmokeMode smoke, boolean clusterWide,
                                           boolean namespaceCheck) {
        List<HasMetadata> rendered = objects(ControlPlaneChart.render(values(routers, smoke, clusterWide,
                namespaceCheck)));
        List<Role> roles = ofKind(rendered, Role.class);
        List<ClusterRole> clusterRoles = ofKind(rendered, ClusterRole.class);
        Set<Permission> namespaced = KubernetesPermissions.required(routers, smoke, false);

        if (clusterWide) {
            assertThat(roles).isEmpty();
            assertThat(clusterRoles).hasSize(1);
            assertThat(permissions(clusterRoles.get(0).getRules()))
                    .containsExactlyInAnyOrderElementsOf(KubernetesPermissions.required(routers, smoke, namespaceCheck));
            assertBound(rendered, "ClusterRole", clusterRoles.get(0).getMetadata().getName(), null);
        } else {
            assertThat(roles).extracting(r -> r.getMetadata().getNamespace())
                    .containsExactlyInAnyOrderElementsOf(NAMESPACES);
            for (Role role : roles) {
                assertThat(permissions(role.getRules())).as("Role in %s", role.getMetadata().getNamespace())
                        .containsExactlyInAnyOrderElementsOf(namespaced);
                assertBound(rendered, "Role", role.getMetadata().getName(), role.getMetadata().getNamespace());
            }
            assertThat(clusterRoles).hasSize(namespaceCheck ? 1 : 0);
            for (ClusterRole namespaces : clusterRoles) {
                assertThat(permissions(namespaces.getRules())).containsExactlyInAnyOrderElementsOf(
                        KubernetesPermissions.of(Set.of(Need.NAMESPACE_CHECK)));
                assertBound(rendered, "ClusterRole", namespaces.getMetadata().getName(), null);
            }
        }
        List<PolicyRule> rules = Stream.concat(roles.stream().flatMap(r -> r.getRules().stream()),
                clusterRoles.stream().flatMap(r -> r.getRules().stream())).toList();
        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule.getVerbs()).doesNotContain("*", "delete", "deletecollection");
            assertThat(rule.getResources()).doesNotContain("*", "secrets", "configmaps");
            // Only the namespace check is limited by name: to the namespaces Rollgate acts in.
            if (rule.getResources().equals(List.of("namespaces"))) {
                assertThat(rule.getResourceNames()).containsExactlyInAnyOrderElementsOf(NAMESPACES);
            } else {
                assertThat(rule.getResourceNames()).isEmpty();
            }
        });
    }

    /** One binding of {@code kind} {@code name} (in {@code namespace}, for a Role) to Rollgate's ServiceAccount. */
    private static void assertBound(List<HasMetadata> rendered, String kind, String name, String namespace) {
        List<HasMetadata> bindings = rendered.stream().filter(o -> {
            RoleRef ref = o instanceof RoleBinding rb ? rb.getRoleRef()
                    : o instanceof ClusterRoleBinding crb ? crb.getRoleRef() : null;
            return ref != null && ref.getKind().equals(kind) && ref.getName().equals(name)
                    && (namespace == null || namespace.equals(o.getMetadata().getNamespace()));
        }).toList();
        assertThat(bindings).as("bindings of %s %s", kind, name).hasSize(1);
        List<Subject> subjects = bindings.get(0) instanceof RoleBinding rb ? rb.getSubjects()
                : ((ClusterRoleBinding) bindings.get(0)).getSubjects();
        assertThat(subjects).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(FULLNAME);
            assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
        });
    }

    /** The environments spread over {@code routers}, every one in a namespace of its own. */
    private static Map<String, Object> values(List<String> routers, SmokeMode smoke, boolean clusterWide,
                                              boolean namespaceCheck) {
        Map<String, Object> environments = new LinkedHashMap<>();
        Map<String, Object> options = new LinkedHashMap<>();
        for (int i = 0; i < ENVIRONMENTS.size(); i++) {
            String router = routers.get(i % routers.size());
            environments.put(ENVIRONMENTS.get(i), tree("namespace", NAMESPACES.get(i), "router", router,
                    "metrics", "prometheus"));
            options.put(ENVIRONMENTS.get(i), tree("parentRefs", List.of("gateway-system/public")));
        }
        return tree("rbac", tree("clusterWide", clusterWide, "namespaceCheck", namespaceCheck),
                "kubernetes", tree("namespaces", clusterWide ? List.of() : NAMESPACES,
                        "smoke", smoke == SmokeMode.API_PROXY ? "api-proxy" : "in-cluster",
                        "environments", options),
                "environments", environments);
    }

    /** Each rule's groups × resources × verbs. */
    static Set<Permission> permissions(List<PolicyRule> rules) {
        Set<Permission> all = new LinkedHashSet<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        all.add(new Permission(group, resource, verb, CLUSTER_SCOPED.contains(resource)));
                    }
                }
            }
        }
        return all;
    }

    @Test
    void theReadmesRbacTableListsTheDeclaredRulesEachUnderItsNeed() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String section = readme.substring(readme.indexOf("### RBAC"));
        section = section.substring(0, section.indexOf("\n### ", 1));
        Set<String> documented = new LinkedHashSet<>();
        Pattern row = Pattern.compile("^\\| `([^`]*)`([^|]*)\\|([^|]+)\\|([^|]+)\\|$", Pattern.MULTILINE);
        Matcher m = row.matcher(section);
        while (m.find()) {
            String group = m.group(1).equals("\"\"") ? "" : m.group(1);
            Need need = need(m.group(2));
            for (String resource : list(m.group(3))) {
                for (String verb : list(m.group(4))) {
                    documented.add(need + " " + new Permission(group, resource, verb,
                            CLUSTER_SCOPED.contains(resource)));
                }
            }
        }

        Set<String> declared = KubernetesPermissions.RULES.stream()
                .flatMap(r -> r.permissions().stream().map(p -> r.need() + " " + p))
                .collect(Collectors.toSet());
        assertThat(documented).containsExactlyInAnyOrderElementsOf(declared);
    }

    /** The table's note after the group: "(router `istio`)", "(`smoke: api-proxy` only)", "(cluster-scoped, ...)". */
    private static Need need(String note) {
        if (note.contains("router `istio`")) {
            return Need.ISTIO_ROUTER;
        }
        if (note.contains("router `gateway-api`")) {
            return Need.GATEWAY_API_ROUTER;
        }
        if (note.contains("router `service`")) {
            return Need.SERVICE_ROUTER;
        }
        if (note.contains("api-proxy")) {
            return Need.API_PROXY_SMOKE;
        }
        return note.contains("cluster-scoped") ? Need.NAMESPACE_CHECK : Need.PLATFORM;
    }

    private static List<String> list(String cell) {
        return Arrays.stream(cell.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
