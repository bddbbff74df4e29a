package dev.rollgate.controlplane.security;

import java.io.PrintStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.policy.RollgateProperties;

/**
 * Makes sure an admin can reach the API: ROLLGATE_ADMIN_TOKEN when set, otherwise a token generated on the very
 * first start and written once to standard output (not the log, which is shipped elsewhere).
 */
@Component
public class BootstrapAdminToken implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdminToken.class);

    private final ApiTokenRepository tokens;
    private final RollgateProperties properties;
    private final PrintStream console;

    public BootstrapAdminToken(ApiTokenRepository tokens, RollgateProperties properties) {
        this.tokens = tokens;
        this.properties = properties;
        this.console = System.out;
    }

    @Override
    public void run(ApplicationArguments args) {
        String configured = properties.adminToken();
        if (configured != null && !configured.isBlank()) {
            tokens.upsertBootstrap(TokenService.hash(configured)).block();
            log.info("bootstrap admin token taken from ROLLGATE_ADMIN_TOKEN");
            return;
        }
        if (Boolean.TRUE.equals(tokens.bootstrapExists().block())) {
            return;
        }
        String secret = TokenService.newSecret();
        tokens.upsertBootstrap(TokenService.hash(secret)).block();
        console.println("""

                ================================================================================
                 Rollgate generated an admin API token. It is shown this once; store it now:

                   %s

                 Set ROLLGATE_ADMIN_TOKEN to choose your own instead.
                ================================================================================
                """.formatted(secret));
    }
}
