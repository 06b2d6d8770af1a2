package io.tally.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.io.Json;
import io.tally.io.WireFormat.Cents;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Required;

import java.util.Objects;

/** A version of a product (stream {@code products}): price and unit cost in cents, stock in units. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Product implements Record {
    @Required @Id public String productId;
    @Required public long ts;
    @Required @Id public String merchantId;
    public String category;
    @Cents public Long priceCents;
    @Cents public Long unitCostCents;
    public Long stock;

    public Product() {}

    public Product(String productId, long ts, String merchantId, String category, Long priceCents,
                   Long unitCostCents, Long stock) {
        this.productId = productId;
        this.ts = ts;
        this.merchantId = merchantId;
        this.category = category;
        this.priceCents = priceCents;
        this.unitCostCents = unitCostCents;
        this.stock = stock;
    }

    @Override
    public long eventTime() {
        return ts;
    }

    @Override
    public String kafkaKey() {
        return productId;
    }

    /** Records are equal when they say the same on the wire. */
    @Override
    public boolean equals(Object o) {
        return Json.same(this, o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(productId, ts);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
