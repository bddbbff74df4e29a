package dev.rollgate.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.ApplicationArguments;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.rollgate.controlplane.policy.RollgateProperties;
import io.r2dbc.spi.ConnectionFactories;

/**
 * Replicas starting at once without ROLLGATE_ADMIN_TOKEN, on one database (rollgate_test_h8): one token is stored,
 * and the replica that stored it is the only one to print it. Each replica has its own repository and connections,
 * as two processes would.
 */
class BootstrapAdminTokenRaceTests {

    private static final String DB = "rollgate_test_h8";
    private static final Pattern PRINTED = Pattern.compile("^ {3,}([A-Za-z0-9_-]{20,})\\s*$", Pattern.MULTILINE);

    @BeforeEach
    void emptySchema() {
        Flyway flyway = Flyway.configure().dataSource("jdbc:postgresql://127.0.0.1:5432/" + DB, "postgres", "")
                .locations("classpath:db/migration").cleanDisabled(false).load();
        flyway.clean();
        flyway.migrate();
    }

    private static ApiTokenRepository repository() {
        return new ApiTokenRepository(DatabaseClient.create(
                ConnectionFactories.get("r2dbc:postgresql://postgres@127.0.0.1:5432/" + DB)));
    }

    @RepeatedTest(5)
    void replicasStartingTogetherStoreOneTokenAndOnlyItsCreatorPrintsIt() throws Exception {
        int replicas = 4;
        CyclicBarrier together = new CyclicBarrier(replicas);
        List<ByteArrayOutputStream> outputs = new ArrayList<>();
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            outputs.add(out);
            BootstrapAdminToken bootstrap = new BootstrapAdminToken(repository(), mock(RollgateProperties.class),
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            starts.add(CompletableFuture.runAsync(() -> {
                try {
                    together.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                bootstrap.run(mock(ApplicationArguments.class));
            }));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get();

        List<String> printed = outputs.stream().map(o -> o.toString(StandardCharsets.UTF_8))
                .filter(s -> !s.isBlank()).toList();
        assertThat(printed).hasSize(1);
        Matcher token = PRINTED.matcher(printed.get(0));
        assertThat(token.find()).isTrue();

        ApiTokenRepository tokens = repository();
        assertThat(tokens.list().collectList().block()).singleElement()
                .satisfies(t -> assertThat(t.role()).isEqualTo(Role.ADMIN));
        assertThat(tokens.findActiveByHash(TokenService.hash(token.group(1))).block()).isNotNull();
    }

    @Test
    void aRestartWithATokenStoredPrintsNothing() {
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        new BootstrapAdminToken(repository(), mock(RollgateProperties.class), new PrintStream(first, true))
                .run(mock(ApplicationArguments.class));
        new BootstrapAdminToken(repository(), mock(RollgateProperties.class), new PrintStream(second, true))
                .run(mock(ApplicationArguments.class));

        assertThat(first.toString()).contains("generated an admin API token");
        assertThat(second.toString()).isEmpty();
        assertThat(repository().list().collectList().block()).hasSize(1);
    }
}
