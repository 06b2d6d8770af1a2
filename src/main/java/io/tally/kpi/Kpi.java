package io.tally.kpi;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.tally.event.Dimension;
import io.tally.event.Metric;
import io.tally.event.Record;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
import io.tally.io.Validated;
import io.tally.io.WireFormat.AtLeast;
import io.tally.io.WireFormat.Cents;
import io.tally.io.WireFormat.OneOf;
import io.tally.io.WireFormat.Required;
import io.tally.io.WireFormat.Sign;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One KPI record: the metrics of one (dimension, key) in one tumbling event-time window (CONTRACT section 4).
 * Money in cents; derived ratios are null where their denominator is 0.
 */
// "final" is named apart from its field (isFinal): Jackson would otherwise write it last.
@JsonPropertyOrder({"dimension", "key", "windowStart", "windowEnd", "final"})
public class Kpi implements Record, Validated {
    @Required @OneOf(Dimension.class) public String dimension;
    @Required public String key;
    @Required public long windowStart;
    @Required public long windowEnd;
    @JsonProperty("final") public boolean isFinal;

    @Required public long views;
    @Required public long likes;
    @Required public long comments;
    @Required public long shares;
    @Required public long clicks;
    /** The double value of {@link #unitsSum}: what a record says. */
    @Required public double units;
    /**
     * The exact sum of the records' units contributions (quantity x weight, each a double). Floating-point addition
     * is not associative, so a double sum would depend on the order partials arrive in, and with it on parallelism
     * (CONTRACT section 7); an exact sum does not. Null in a record built without {@link KpiMath}: {@link #units}
     * then stands for it. Not written out.
     */
    @JsonIgnore public BigDecimal unitsSum;
    @Required @Cents(Sign.ANY) public long gmvCents;
    @Required public long orders;
    @Required public long newCustomerOrders;
    @Required public long attributedOrders;
    @Required @Cents(Sign.ANY) public long attributedGmvCents;
    @Required @Cents(Sign.ANY) public long commissionCents;
    @Required @Cents(Sign.ANY) public long marginCents;
    @Required public long refunds;
    @Required @Cents(Sign.ANY) public long refundedAmountCents;
    @Required @Cents(Sign.ANY) public long spendCents;
    // Not required when read back: KPI records of 0.2 (before reviews) on the topic still read, as 0.
    public long reviews;
    public long ratingSum;
    public long negativeReviews;

    public Double engagementRate;
    public Double ctr;
    @Cents(Sign.ANY) public Long aovCents;
    public Double conversionRate;
    @Cents(Sign.ANY) public Long cpaCents;
    public Double newCustomerRate;
    @Required @Cents(Sign.ANY) public long netGmvCents;
    @Cents(Sign.ANY) public Long marginPerOrderCents;
    public Double gmvShare;
    @AtLeast(Long.MIN_VALUE) public Long stock;
    public Double avgRating;
    public Double negativeReviewRate;

    public Kpi() {}

    /** Kafka key and upsert key: {@code dimension|key|windowStart|windowEnd}. */
    @Override
    public String kafkaKey() {
        return dimension + "|" + key + "|" + windowStart + "|" + windowEnd;
    }

    /**
     * Event time of a KPI record read back from its topic: a final record stands at the end of its window (it was
     * written when the watermark passed there). An update of an open window says nothing of how far event time has
     * come (it was written by processing time, ahead of finals still to come in its partition): it gets the least
     * timestamp, so that it moves no watermark.
     */
    @Override
    public long eventTime() {
        return isFinal ? windowEnd - 1 : Long.MIN_VALUE;
    }

    /** The dimension, typed (the field keeps the string: Flink state holds KPI records with it). */
    public Dimension dimension() {
        return Dimension.valueOf(dimension);
    }

    /**
     * A metric of this record as alert rules compare it: counts as they are, money in currency units (cents / 100),
     * ratios as they are; null where the metric is null.
     */
    public Double value(Metric metric) {
        return switch (metric) {
            case VIEWS -> (double) views;
            case LIKES -> (double) likes;
            case COMMENTS -> (double) comments;
            case SHARES -> (double) shares;
            case CLICKS -> (double) clicks;
            case UNITS -> units;
            case GMV -> money(gmvCents);
            case ORDERS -> (double) orders;
            case NEW_CUSTOMER_ORDERS -> (double) newCustomerOrders;
            case ATTRIBUTED_ORDERS -> (double) attributedOrders;
            case ATTRIBUTED_GMV -> money(attributedGmvCents);
            case COMMISSION -> money(commissionCents);
            case MARGIN -> money(marginCents);
            case REFUNDS -> (double) refunds;
            case REFUNDED_AMOUNT -> money(refundedAmountCents);
            case SPEND -> money(spendCents);
            case ENGAGEMENT_RATE -> engagementRate;
            case CTR -> ctr;
            case AOV -> money(aovCents);
            case CONVERSION_RATE -> conversionRate;
            case CPA -> money(cpaCents);
            case NEW_CUSTOMER_RATE -> newCustomerRate;
            case NET_GMV -> money(netGmvCents);
            case MARGIN_PER_ORDER -> money(marginPerOrderCents);
            case GMV_SHARE -> gmvShare;
            case STOCK -> stock == null ? null : (double) stock;
            case REVIEWS -> (double) reviews;
            case RATING_SUM -> (double) ratingSum;
            case NEGATIVE_REVIEWS -> (double) negativeReviews;
            case AVG_RATING -> avgRating;
            case NEGATIVE_REVIEW_RATE -> negativeReviewRate;
        };
    }

    private static Double money(Long cents) {
        return cents == null ? null : cents / 100.0;
    }

    @Override
    public void validate() throws InvalidRecordException {
        if (windowEnd <= windowStart) {
            throw InvalidRecordException.invalid("windowEnd", "must be an integer >= " + (windowStart + 1) + " (got " + windowEnd + ")");
        }
    }

    /** Records are equal when they say the same on the wire. */
    @Override
    public boolean equals(Object o) {
        return Json.same(this, o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dimension, key, windowStart, windowEnd, isFinal);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
