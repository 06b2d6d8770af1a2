package io.tally.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Rate;
import io.tally.io.WireFormat.Required;
import io.tally.io.WireFormat.Zero;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A version of a commission rule (stream {@code commission-rules}), read "as of" event time. Rates are exact
 * decimals in [0, 1] so that rate + bonusRate and the commission are computed without binary rounding.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public class CommissionRule implements Record {
    @Required @Id public String ruleId;
    @Required @JsonInclude(JsonInclude.Include.ALWAYS) public long ts;
    @Required @Id public String merchantId;
    /** Null: applies to every product of the merchant. */
    @Id public String productId;
    /** Null: applies to every creator. */
    @Id public String creatorId;
    /** Null only when deleted. */
    @Required(unless = "deleted") @Rate public BigDecimal rate;
    @Rate @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Zero.class)
    public BigDecimal bonusRate = BigDecimal.ZERO;
    /** Exclusive end of validity (epoch ms); null: no end. */
    public Long validUntil;
    public boolean deleted;

    public CommissionRule() {}

    public CommissionRule(String ruleId, long ts, String merchantId, String productId, String creatorId,
                          BigDecimal rate, BigDecimal bonusRate, Long validUntil, boolean deleted) {
        this.ruleId = ruleId;
        this.ts = ts;
        this.merchantId = merchantId;
        this.productId = productId;
        this.creatorId = creatorId;
        this.rate = rate;
        this.bonusRate = bonusRate;
        this.validUntil = validUntil;
        this.deleted = deleted;
    }

    /** rate + bonusRate. */
    public BigDecimal effectiveRate() {
        return bonusRate == null ? rate : rate.add(bonusRate);
    }

    @Override
    public long eventTime() {
        return ts;
    }

    @Override
    public String kafkaKey() {
        return ruleId;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CommissionRule r)) return false;
        return ts == r.ts && deleted == r.deleted && Objects.equals(ruleId, r.ruleId)
                && Objects.equals(merchantId, r.merchantId) && Objects.equals(productId, r.productId)
                && Objects.equals(creatorId, r.creatorId) && compare(rate, r.rate) && compare(bonusRate, r.bonusRate)
                && Objects.equals(validUntil, r.validUntil);
    }

    private static boolean compare(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(ruleId, ts, merchantId);
    }

    @Override
    public String toString() {
        return "CommissionRule{" + ruleId + " ts=" + ts + " merchant=" + merchantId + " product=" + productId
                + " creator=" + creatorId + " rate=" + rate + " bonus=" + bonusRate + " validUntil=" + validUntil
                + (deleted ? " deleted" : "") + "}";
    }
}
