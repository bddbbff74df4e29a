package dev.rollgate.controlplane.security.console;

import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.WebSessionIdResolver;
import org.springframework.web.server.session.WebSessionManager;

/**
 * Console sessions in the database instead of each replica's memory, with the idle time and cookie settings of
 * {@code server.reactive.session.*}; expired sessions and old failed-login counts are deleted periodically.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSessionConfiguration {

    @Bean
    DatabaseWebSessionStore consoleSessionStore(DatabaseClient db, Clock clock, ServerProperties server) {
        Duration timeout = server.getReactive().getSession().getTimeout();
        return new DatabaseWebSessionStore(db, clock, timeout == null ? Duration.ofMinutes(30) : timeout);
    }

    /** Replaces Spring Boot's in-memory one, which it backs off from for a bean of this name. */
    @Bean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME)
    WebSessionManager webSessionManager(DatabaseWebSessionStore store, ObjectProvider<WebSessionIdResolver> ids) {
        DefaultWebSessionManager manager = new DefaultWebSessionManager();
        manager.setSessionStore(store);
        ids.ifAvailable(manager::setSessionIdResolver);
        return manager;
    }

    @Bean
    ConsoleStateCleaner consoleStateCleaner(DatabaseWebSessionStore store, DatabaseClient db, Clock clock) {
        return new ConsoleStateCleaner(store, db, clock);
    }
}
