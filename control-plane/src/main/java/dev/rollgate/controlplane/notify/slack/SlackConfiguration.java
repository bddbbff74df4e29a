package dev.rollgate.controlplane.notify.slack;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.r2dbc.core.DatabaseClient;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;

import dev.rollgate.controlplane.policy.RollgateProperties;

/** The Slack client and notifier exist only when a bot token is configured. */
@Configuration(proxyBeanMethods = false)
public class SlackConfiguration {

    static final class BotTokenSet implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String token = context.getEnvironment().getProperty("rollgate.slack.bot-token");
            return token != null && !token.isBlank();
        }
    }

    @Bean(destroyMethod = "close")
    @Conditional(BotTokenSet.class)
    Slack slack(SlackProperties properties) {
        SlackConfig config = new SlackConfig();
        String url = properties.apiUrl().endsWith("/") ? properties.apiUrl() : properties.apiUrl() + "/";
        config.setMethodsEndpointUrlPrefix(url);
        // The SDK's metrics would call auth.test in the background for every token; Rollgate has its own.
        config.getMethodsConfig().setStatsEnabled(false);
        config.setPrettyResponseLoggingEnabled(false);
        int timeout = (int) properties.timeout().toMillis();
        config.setHttpClientCallTimeoutMillis(timeout);
        config.setHttpClientReadTimeoutMillis(timeout);
        config.setHttpClientWriteTimeoutMillis(timeout);
        return Slack.getInstance(config);
    }

    @Bean
    @Conditional(BotTokenSet.class)
    SlackCalls slackCalls(Slack slack, SlackProperties properties) {
        return new SlackCalls(slack.methods(properties.botToken()), properties);
    }

    @Bean
    @Conditional(BotTokenSet.class)
    SlackNotifier slackNotifier(SlackCalls calls, DatabaseClient db, SlackProperties properties,
                                RollgateProperties rollgate) {
        return new SlackNotifier(calls, new SlackMessages(rollgate.consoleUrl()), new SlackMessageRepository(db),
                properties);
    }
}
