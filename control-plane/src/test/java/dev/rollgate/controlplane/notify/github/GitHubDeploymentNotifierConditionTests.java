package dev.rollgate.controlplane.notify.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import dev.rollgate.controlplane.notify.github.GitHubProperties;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.policy.RollgateProperties;

class GitHubDeploymentNotifierConditionTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withBean(GitHubProperties.class, () -> new GitHubProperties("s", "t", "http://127.0.0.1:1", "production",
                    DataSize.ofMegabytes(5), Duration.ofDays(30), Duration.ofSeconds(30), Duration.ofSeconds(1), 4))
            .withBean(RollgateProperties.class, () -> new RollgateProperties(Map.of(), Map.of(), null, null, null,
                    null, null, "http://localhost:8090"))
            .withBean(DeploymentLinks.class, () -> Mockito.mock(DeploymentLinks.class))
            .withBean(Policies.class, () -> Mockito.mock(Policies.class))
            .withBean(Clock.class, Clock::systemUTC)
            .withUserConfiguration(GitHubDeploymentNotifier.class);

    @Test
    void noDeploymentStatusesWithoutAToken() {
        runner.run(context -> assertThat(context).doesNotHaveBean(GitHubDeploymentNotifier.class));
        runner.withPropertyValues("rollgate.github.token=")
                .run(context -> assertThat(context).doesNotHaveBean(GitHubDeploymentNotifier.class));
    }

    @Test
    void deploymentStatusesWithAToken() {
        runner.withPropertyValues("rollgate.github.token=ghp_example")
                .run(context -> assertThat(context).hasSingleBean(GitHubDeploymentNotifier.class));
    }
}
