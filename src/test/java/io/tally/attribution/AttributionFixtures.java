package io.tally.attribution;

import io.tally.attribution.AttributionSettings;
import io.tally.core.DeadLetters;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.ContentType;
import io.tally.event.Creator;
import io.tally.event.Money;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.UpdateKind;
import io.tally.event.View;
import io.tally.io.DeadLetter;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builders shared by the attribution operator tests. Defaults: user {@link #USER} shops at merchant {@link #MERCHANT}
 * for product {@link #PRODUCT}; money is in cents, written {@code 12_50} for 12.50.
 */
public final class AttributionFixtures {
    public static final long MINUTE = 60_000L;
    public static final long HOUR = 60 * MINUTE;
    public static final long DAY = 24 * HOUR;
    /** The order time of most tests: 2025-03-01T12:00Z. */
    public static final long T = 1_740_830_400_000L;

    public static final String USER = "u1";
    public static final String MERCHANT = "m1";
    public static final String PRODUCT = "p1";

    private AttributionFixtures() {}

    // ---- settings ----

    /** Contract defaults, without shadow models unless a test asks for them. */
    public static AttributionSettings settings() {
        AttributionSettings s = new AttributionSettings();
        s.shadowModels.clear();
        return s;
    }

    public static AttributionSettings settings(Model primary) {
        AttributionSettings s = settings();
        s.primaryModel = primary;
        return s;
    }

    // ---- user activity ----

    /** A click of {@link #USER} on {@link #PRODUCT} in content {@code contentId} of {@code creatorId}. */
    public static Click click(String eventId, long ts, String creatorId, String contentId) {
        return click(eventId, ts, creatorId, contentId, PRODUCT);
    }

    public static Click click(String eventId, long ts, String creatorId, String contentId, String productId) {
        return new Click(eventId, ts, USER, creatorId, contentId, ContentType.VIDEO, productId, MERCHANT, "REVIEW");
    }

    /** A view of {@link #USER} of content showing {@code productIds}. */
    public static View view(String eventId, long ts, String creatorId, String contentId, String... productIds) {
        return new View(eventId, ts, USER, creatorId, contentId, ContentType.LIVE, "TUTORIAL", productIds);
    }

    /** An order of {@link #USER} at {@link #MERCHANT}. */
    public static Order order(String orderId, long ts, OrderLine... lines) {
        return order(orderId, ts, MERCHANT, lines);
    }

    public static Order order(String orderId, long ts, String merchantId, OrderLine... lines) {
        return new Order(orderId, ts, USER, merchantId, lines);
    }

    /** A line of {@code quantity} x {@code unitPriceCents} of {@code productId}, no discount. */
    public static OrderLine line(String lineId, String productId, long quantity, long unitPriceCents) {
        return new OrderLine(lineId, productId, quantity, unitPriceCents, 0);
    }

    /** A line of one unit of {@link #PRODUCT} at {@code amountCents}. */
    public static OrderLine line(String lineId, long amountCents) {
        return line(lineId, PRODUCT, 1, amountCents);
    }

    // ---- reference data ----

    /** A rule version of {@link #MERCHANT}; null productId / creatorId = all. */
    public static CommissionRule rule(String ruleId, long ts, String productId, String creatorId, String rate) {
        return new CommissionRule(ruleId, ts, MERCHANT, productId, creatorId, new BigDecimal(rate), BigDecimal.ZERO,
                null, false);
    }

    /** A merchant-wide rule version. */
    public static CommissionRule rule(String ruleId, long ts, String rate) {
        return rule(ruleId, ts, null, null, rate);
    }

    public static CommissionRule withBonus(CommissionRule r, String bonusRate, Long validUntil) {
        r.bonusRate = new BigDecimal(bonusRate);
        r.validUntil = validUntil;
        return r;
    }

    /** A version deleting the rule from {@code ts} on. */
    public static CommissionRule deleted(String ruleId, long ts) {
        return new CommissionRule(ruleId, ts, MERCHANT, null, null, null, BigDecimal.ZERO, null, true);
    }

    public static Product product(String productId, long ts, Long unitCostCents) {
        return new Product(productId, ts, MERCHANT, "beauty", 10_00L, unitCostCents, 100L);
    }

    public static Creator creator(String creatorId, long ts, long followers, String userId) {
        return new Creator(creatorId, ts, followers, userId, "beauty");
    }

    public static BigDecimal rate(String rate) {
        return new BigDecimal(rate);
    }

    // ---- order updates and attributed lines (ReverseOrderLines) ----

    public static OrderUpdate cancel(String eventId, long ts, String orderId, String lineId) {
        return new OrderUpdate(eventId, ts, orderId, lineId, UpdateKind.CANCEL, null);
    }

    /** A refund of {@code amountCents}, or of everything not yet reversed when null. */
    public static OrderUpdate refund(String eventId, long ts, String orderId, String lineId, Long amountCents) {
        return new OrderUpdate(eventId, ts, orderId, lineId, UpdateKind.REFUND, amountCents);
    }

    /**
     * An attribution record as {@link AttributeOrderLines} writes it: line {@code lineId} of order {@code orderId} at
     * {@code ts}, credited with {@code weight} to click k1 of creator c1 in content v1.
     */
    public static Attribution attributed(String orderId, String lineId, long ts, Model model, long lineAmountCents,
                                         double weight, long amountCents, String rate, long commissionCents) {
        Attribution a = new Attribution();
        a.orderId = orderId;
        a.lineId = lineId;
        a.ts = ts;
        a.userId = USER;
        a.merchantId = MERCHANT;
        a.productId = PRODUCT;
        a.quantity = 1;
        a.lineAmountCents = lineAmountCents;
        a.model = model;
        a.touch = Touch.CLICK;
        a.touchEventId = "k1";
        a.touchTs = ts - HOUR;
        a.creatorId = "c1";
        a.contentId = "v1";
        a.contentFormat = "REVIEW";
        a.tier = "MID";
        a.weight = weight;
        a.amountCents = amountCents;
        a.commissionRate = rate == null ? null : new BigDecimal(rate);
        a.commissionCents = commissionCents;
        a.marginCents = 4_00L;
        a.newCustomer = true;
        return a;
    }

    /** A whole line credited by LAST_CLICK at 10%. */
    public static Attribution attributed(String orderId, String lineId, long ts, long lineAmountCents) {
        return attributed(orderId, lineId, ts, Model.LAST_CLICK, lineAmountCents, 1.0, lineAmountCents, "0.10",
                Money.times(lineAmountCents, new BigDecimal("0.10")));
    }

    // ---- harness helpers ----

    public static <X> List<X> sideOutput(AbstractStreamOperatorTestHarness<?> harness, OutputTag<X> tag) {
        var records = harness.getSideOutput(tag);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    public static List<DeadLetter> deadLetters(AbstractStreamOperatorTestHarness<?> harness) {
        return sideOutput(harness, DeadLetters.TAG);
    }

    /**
     * Keyed state entries (one per state and key) of any keyed harness on the heap backend; the broadcast harness has
     * no {@code numKeyedStateEntries()} of its own.
     */
    public static int keyedStateEntries(AbstractStreamOperatorTestHarness<?> harness) {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }
}
