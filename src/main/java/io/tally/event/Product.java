package io.tally.event;

import java.util.Objects;

/** A version of a product (stream {@code products}): price and unit cost in cents, stock in units. */
public class Product {
    public String productId;
    public long ts;
    public String merchantId;
    public String category;
    public Long priceCents;
    public Long unitCostCents;
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
    public boolean equals(Object o) {
        if (!(o instanceof Product)) return false;
        Product p = (Product) o;
        return ts == p.ts && Objects.equals(productId, p.productId) && Objects.equals(merchantId, p.merchantId)
                && Objects.equals(category, p.category) && Objects.equals(priceCents, p.priceCents)
                && Objects.equals(unitCostCents, p.unitCostCents) && Objects.equals(stock, p.stock);
    }

    @Override
    public int hashCode() {
        return Objects.hash(productId, ts);
    }

    @Override
    public String toString() {
        return "Product{" + productId + " ts=" + ts + " merchant=" + merchantId + " price=" + priceCents
                + "c unitCost=" + unitCostCents + "c stock=" + stock + "}";
    }
}
