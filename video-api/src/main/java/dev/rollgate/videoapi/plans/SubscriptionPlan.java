package dev.rollgate.videoapi.plans;

import java.math.BigDecimal;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** BigDecimal, not double: 8.99 must come back as 8.99. */
@Table("subscription_plans")
public record SubscriptionPlan(@Id String code, String name, BigDecimal monthlyPrice, String currency,
                               int maxStreams, String resolution) {
}
