package dev.rollgate.videoapi.plans;

import org.springframework.data.r2dbc.repository.Query;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;

import reactor.core.publisher.Flux;

interface SubscriptionPlanRepository extends ReactiveCrudRepository<SubscriptionPlan, String> {

    // code breaks ties so two plans at the same price keep a stable order.
    @Query("SELECT * FROM subscription_plans ORDER BY monthly_price, code")
    Flux<SubscriptionPlan> findAllByPrice();
}
