package dev.rollgate.videoapi.plans;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import reactor.core.publisher.Flux;

@RestController
class PlanController {

    private final SubscriptionPlanRepository plans;

    PlanController(SubscriptionPlanRepository plans) {
        this.plans = plans;
    }

    @GetMapping("/api/subscriptions/plans")
    Flux<SubscriptionPlan> plans() {
        return plans.findAllByPrice();
    }
}
