package io.tally.io;

import io.tally.connect.RecordReader;
import io.tally.event.AlertRule;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.ContentType;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.EngagementKind;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.SpendKind;
import io.tally.event.Stream;
import io.tally.event.UpdateKind;
import io.tally.event.View;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link Json} writes for a record, it reads back as an equal record. */
class RecordRoundTripTest {
    private void assertRoundTrip(Stream stream, Object record) throws InvalidRecordException {
        String json = Json.write(record);
        Object back = Json.read(RecordReader.recordType(stream), json.getBytes(StandardCharsets.UTF_8));
        assertThat(back).as(json).isInstanceOf(record.getClass()).isEqualTo(record);
        // And what it writes again is the same text: nothing drifts on a second pass.
        assertThat(Json.write(back)).isEqualTo(json);
    }

    @Test
    void views() throws Exception {
        assertRoundTrip(Stream.VIEWS, new View("v1", 1_700_000_000_000L, "u1", "c1", "k1", ContentType.LIVE, "TUTORIAL",
                new String[] {"p1", "p2", "p\"3\\"}));
    }

    @Test
    void engagements() throws Exception {
        assertRoundTrip(Stream.ENGAGEMENTS, new Engagement("e1", 5, "u1", "c1", "k1", ContentType.VIDEO, "HUMOR",
                EngagementKind.SHARE));
    }

    @Test
    void clicks() throws Exception {
        assertRoundTrip(Stream.CLICKS, new Click("k1", 5, "u1", "c1", "k1", ContentType.VIDEO, "p1", "m1", "REVIEW"));
    }

    @Test
    void orders() throws Exception {
        assertRoundTrip(Stream.ORDERS, new Order("o1", 5, "u1", "m1", new OrderLine[] {
                new OrderLine("l1", "p1", 3, 1999, 500),
                new OrderLine("l2", "p2", 1, 0, 0),
                new OrderLine("l3", "p3", 1_000_000, Long.MAX_VALUE / 1_000_000, 1)}));
    }

    @Test
    void orderUpdates() throws Exception {
        assertRoundTrip(Stream.ORDER_UPDATES, new OrderUpdate("x1", 5, "o1", "l1", UpdateKind.REFUND, 1234L));
        assertRoundTrip(Stream.ORDER_UPDATES, new OrderUpdate("x2", 5, "o1", "l1", UpdateKind.CANCEL, null));
    }

    @Test
    void commissionRules() throws Exception {
        assertRoundTrip(Stream.COMMISSION_RULES, new CommissionRule("r1", 5, "m1", "p1", "c1",
                new BigDecimal("0.125"), new BigDecimal("0.05"), 99_000L, false));
        assertRoundTrip(Stream.COMMISSION_RULES, new CommissionRule("r1", 6, "m1", null, null, new BigDecimal("0.1"),
                BigDecimal.ZERO, null, true));
    }

    @Test
    void products() throws Exception {
        assertRoundTrip(Stream.PRODUCTS, new Product("p1", 5, "m1", "beauty", 1990L, 750L, 42L));
    }

    @Test
    void creators() throws Exception {
        assertRoundTrip(Stream.CREATORS, new Creator("c1", 5, 250_000, "u9", "fitness"));
    }

    @Test
    void spend() throws Exception {
        assertRoundTrip(Stream.SPEND, new Spend("s1", 5, "m1", "c1", 15_000, SpendKind.FLAT_FEE));
    }

    @Test
    void reviewsWithAndWithoutAnOrder() throws Exception {
        assertRoundTrip(Stream.REVIEWS, new Review("rv1", 5, "u1", "p1", "m1", 4, "o1"));
        assertRoundTrip(Stream.REVIEWS, new Review("rv2", 5, "u1", "p1", "m1", 1, null));
        assertThat(Json.write(new Review("rv2", 5, "u1", "p1", "m1", 1, null))).doesNotContain("orderId");
    }

    @Test
    void everyInputStreamHasARoundTrip() {
        // The tests above, one per input stream: a stream added to the contract needs one here too.
        java.util.Set<String> tested = java.util.Arrays.stream(RecordRoundTripTest.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class)).map(java.lang.reflect.Method::getName)
                .collect(java.util.stream.Collectors.toSet());
        java.util.Map<Stream, String> byStream = new java.util.EnumMap<>(Stream.class);
        byStream.put(Stream.VIEWS, "views");
        byStream.put(Stream.ENGAGEMENTS, "engagements");
        byStream.put(Stream.CLICKS, "clicks");
        byStream.put(Stream.ORDERS, "orders");
        byStream.put(Stream.ORDER_UPDATES, "orderUpdates");
        byStream.put(Stream.COMMISSION_RULES, "commissionRules");
        byStream.put(Stream.PRODUCTS, "products");
        byStream.put(Stream.CREATORS, "creators");
        byStream.put(Stream.SPEND, "spend");
        byStream.put(Stream.REVIEWS, "reviewsWithAndWithoutAnOrder");
        byStream.put(Stream.ALERT_RULES, "alertRulesOfEveryThresholdForm");
        assertThat(byStream.keySet()).containsExactlyInAnyOrder(
                java.util.Arrays.stream(Stream.values()).filter(Stream::isInput).toArray(Stream[]::new));
        assertThat(tested).containsAll(byStream.values());
    }

    @Test
    void alertRulesOfEveryThresholdForm() throws Exception {
        AlertRule byValue = alertRule();
        byValue.thresholdValue = 12.5;
        byValue.minSampleMetric = "attributedOrders";
        byValue.minSampleValue = 5.0;
        byValue.forWindows = 3;
        byValue.early = true;
        assertRoundTrip(Stream.ALERT_RULES, byValue);

        AlertRule byMetric = alertRule();
        byMetric.thresholdMetric = "marginPerOrder";
        assertRoundTrip(Stream.ALERT_RULES, byMetric);

        AlertRule byBaseline = alertRule();
        byBaseline.baselineWindows = 24;
        byBaseline.baselineFactor = 1.5;
        byBaseline.windowMs = 86_400_000L;
        assertRoundTrip(Stream.ALERT_RULES, byBaseline);

        AlertRule disabled = new AlertRule();
        disabled.ruleId = "a1";
        disabled.ts = 9;
        disabled.enabled = false;
        assertRoundTrip(Stream.ALERT_RULES, disabled);
    }

    private static AlertRule alertRule() {
        AlertRule r = new AlertRule();
        r.ruleId = "a1";
        r.ts = 5;
        r.dimension = "CREATOR";
        r.windowMs = 3_600_000L;
        r.metric = "cpa";
        r.op = ">=";
        return r;
    }
}
