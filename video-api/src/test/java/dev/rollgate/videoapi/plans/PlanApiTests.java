package dev.rollgate.videoapi.plans;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.videoapi.VideoApiTest;

@VideoApiTest
class PlanApiTests {

    @Autowired
    WebTestClient client;

    @Test
    void listsSeededPlansByPrice() {
        List<SubscriptionPlan> plans = client.get().uri("/api/subscriptions/plans").exchange()
                .expectStatus().isOk()
                .expectBodyList(SubscriptionPlan.class).returnResult().getResponseBody();

        assertThat(plans).extracting(SubscriptionPlan::code).containsExactly("basic", "standard", "premium");
        assertThat(plans).extracting(SubscriptionPlan::monthlyPrice).isSortedAccordingTo(BigDecimal::compareTo);
        assertThat(plans).extracting(SubscriptionPlan::resolution).containsExactly("720p", "1080p", "4K");
        assertThat(plans).allSatisfy(plan -> {
            assertThat(plan.currency()).isEqualTo("USD");
            assertThat(plan.name()).isNotBlank();
            assertThat(plan.maxStreams()).isPositive();
        });
    }

    @Test
    void rendersPricesAsJsonNumbers() {
        client.get().uri("/api/subscriptions/plans").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$[0].monthlyPrice").isEqualTo(8.99)
                .jsonPath("$[0].maxStreams").isEqualTo(1)
                .jsonPath("$[2].code").isEqualTo("premium")
                .jsonPath("$[2].maxStreams").isEqualTo(4);
    }
}
