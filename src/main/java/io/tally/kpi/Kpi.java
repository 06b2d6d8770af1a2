package io.tally.kpi;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One KPI record: the metrics of one (dimension, key) in one tumbling event-time window (CONTRACT section 4).
 * Money in cents; derived ratios are null where their denominator is 0.
 */
public class Kpi {
    public String dimension;
    public String key;
    public long windowStart;
    public long windowEnd;
    public boolean isFinal;

    public long views;
    public long likes;
    public long comments;
    public long shares;
    public long clicks;
    /** The double value of {@link #unitsSum}: what a record says. */
    public double units;
    /**
     * The exact sum of the records' units contributions (quantity x weight, each a double). Floating-point addition
     * is not associative, so a double sum would depend on the order partials arrive in, and with it on parallelism
     * (CONTRACT section 7); an exact sum does not. Null in a record built without {@link KpiMath}: {@link #units}
     * then stands for it. Not written out.
     */
    public BigDecimal unitsSum;
    public long gmvCents;
    public long orders;
    public long newCustomerOrders;
    public long attributedOrders;
    public long attributedGmvCents;
    public long commissionCents;
    public long marginCents;
    public long refunds;
    public long refundedAmountCents;
    public long spendCents;

    public Double engagementRate;
    public Double ctr;
    public Long aovCents;
    public Double conversionRate;
    public Long cpaCents;
    public Double newCustomerRate;
    public long netGmvCents;
    public Long marginPerOrderCents;
    public Double gmvShare;
    public Long stock;

    public Kpi() {}

    /** Kafka key and upsert key: {@code dimension|key|windowStart|windowEnd}. */
    public String upsertKey() {
        return dimension + "|" + key + "|" + windowStart + "|" + windowEnd;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Kpi)) return false;
        Kpi k = (Kpi) o;
        return windowStart == k.windowStart && windowEnd == k.windowEnd && isFinal == k.isFinal && views == k.views
                && likes == k.likes && comments == k.comments && shares == k.shares && clicks == k.clicks
                && Double.compare(units, k.units) == 0 && gmvCents == k.gmvCents && orders == k.orders
                && newCustomerOrders == k.newCustomerOrders && attributedOrders == k.attributedOrders
                && attributedGmvCents == k.attributedGmvCents && commissionCents == k.commissionCents
                && marginCents == k.marginCents && refunds == k.refunds
                && refundedAmountCents == k.refundedAmountCents && spendCents == k.spendCents
                && netGmvCents == k.netGmvCents && Objects.equals(dimension, k.dimension)
                && Objects.equals(key, k.key) && Objects.equals(engagementRate, k.engagementRate)
                && Objects.equals(ctr, k.ctr) && Objects.equals(aovCents, k.aovCents)
                && Objects.equals(conversionRate, k.conversionRate) && Objects.equals(cpaCents, k.cpaCents)
                && Objects.equals(newCustomerRate, k.newCustomerRate)
                && Objects.equals(marginPerOrderCents, k.marginPerOrderCents)
                && Objects.equals(gmvShare, k.gmvShare) && Objects.equals(stock, k.stock);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dimension, key, windowStart, windowEnd, isFinal);
    }

    @Override
    public String toString() {
        return "Kpi{" + upsertKey() + (isFinal ? " final" : "") + " views=" + views + " clicks=" + clicks + " gmv="
                + gmvCents + "c orders=" + orders + " attributed=" + attributedOrders + " commission="
                + commissionCents + "c}";
    }
}
