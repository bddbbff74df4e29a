package dev.rollgate.controlplane.notify.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.rollgate.controlplane.policy.RollgateProperties;

class SlackConfigurationTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({SlackProperties.class, RollgateProperties.class})
    static class Surroundings {
        @Bean
        DatabaseClient databaseClient() {
            return mock(DatabaseClient.class);
        }
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(Surroundings.class, SlackConfiguration.class);

    @Test
    void postsNothingWithoutABotToken() {
        context.withPropertyValues("rollgate.slack.bot-token=", "rollgate.slack.channels.dev=#deploys-dev")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx).doesNotHaveBean(SlackNotifier.class).doesNotHaveBean(SlackCalls.class);
                });
    }

    @Test
    void notifiesOnceABotTokenIsSet() {
        context.withPropertyValues("rollgate.slack.bot-token=xoxb-1", "rollgate.slack.api-url=http://127.0.0.1:9/api")
                .run(ctx -> assertThat(ctx).hasSingleBean(SlackNotifier.class).hasSingleBean(SlackCalls.class));
    }

    @Test
    void refusesToStartWithAnUnknownRole() {
        context.withPropertyValues("rollgate.slack.users.U1=superuser")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure()
                        .hasStackTraceContaining("must be viewer, release-manager or admin"));
    }

    @Test
    void answersClicksOnlyOnHooksSlackComUnlessToldOtherwiseAndNeverOverPlainHttpElsewhere() {
        context.run(ctx -> assertThat(ctx.getBean(SlackProperties.class).responseUrlHosts())
                .containsExactly("https://hooks.slack.com"));
        context.withPropertyValues("rollgate.slack.response-url-hosts=hooks.slack.com,hooks.slack-gov.com")
                .run(ctx -> assertThat(ctx.getBean(SlackProperties.class).responseUrlHosts())
                        .containsExactly("https://hooks.slack.com", "https://hooks.slack-gov.com"));
        context.withPropertyValues("rollgate.slack.response-url-hosts=http://hooks.slack.com")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure()
                        .hasStackTraceContaining("plain http is allowed only for a loopback host"));
    }
}
