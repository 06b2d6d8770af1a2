package io.tally.reference;

import io.tally.attribution.Attribution;
import io.tally.attribution.Model;
import io.tally.attribution.Touch;
import io.tally.config.TallyConfig;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.ContentType;
import io.tally.event.Creator;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.UpdateKind;
import io.tally.event.View;
import io.tally.io.DeadLetterReason;
import io.tally.pipeline.Replay;
import io.tally.reference.ReferenceAttribution.Input;
import io.tally.reference.ReferenceAttribution.Letter;
import io.tally.reference.ReferenceAttribution.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

import static io.tally.reference.RandomDataSet.BASE;
import static io.tally.reference.RandomDataSet.DAY;
import static io.tally.reference.RandomDataSet.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * One hand-picked tricky data set through both the reference and the replay: window boundaries, merged click groups,
 * rule specificity and validUntil, a tier change, self-purchase, a zero-amount line, cumulative capped refunds and
 * every update dead letter. The reference's answers are first checked against numbers worked out by hand.
 */
class ReferenceSmokeTest {
    private static final long T = BASE;

    @TempDir
    Path dir;

    static Input trickyDataSet() {
        Input in = new Input();
        in.creators.add(new Creator("c1", T - 10 * DAY, 150_000, "u1", null)); // MID, shops as u1
        in.creators.add(new Creator("c2", T - 10 * DAY, 9_999, null, null)); // NANO ...
        in.creators.add(new Creator("c2", T + 100, 10_000, null, null)); // ... MICRO from T + 100
        in.products.add(new Product("p1", T - 10 * DAY, "m1", null, null, 400L, null));
        in.products.add(new Product("p1", T + 50, "m1", null, null, null, null)); // unit cost unknown from T + 50
        in.rules.add(new CommissionRule("r1", T - 10 * DAY, "m1", null, null, new BigDecimal("0.1"), null, null, false));
        in.rules.add(new CommissionRule("r2", T - 10 * DAY, "m1", "p1", null, new BigDecimal("0.2"), null, T + 100, false));
        in.rules.add(new CommissionRule("r3", T - 10 * DAY, "m1", null, "c2", new BigDecimal("0.05"),
                new BigDecimal("0.01"), null, false));

        in.clicks.add(click("k1", T - 7 * DAY, "u2", "c1", "v1", "TUTORIAL")); // on the window's first instant
        in.clicks.add(click("k2", T - 7 * DAY - 1, "u2", "c2", "v3", "REVIEW")); // just outside
        in.clicks.add(click("k3", T - DAY, "u2", "c2", "v3", "REVIEW"));
        in.clicks.add(click("k4", T, "u2", "c1", "v1", "HUMOR")); // at the order's ts: counts
        in.clicks.add(click("k4", T, "u2", "c1", "v1", "HUMOR")); // re-sent: DUPLICATE
        in.clicks.add(click("k5", T + 1, "u2", "c2", "v3", "REVIEW")); // after the order
        in.clicks.add(click("k6", T + 100 - HOUR, "u1", "c1", "v2", null)); // the creator's own click
        in.views.add(new View("w1", T - DAY, "u2", "c2", "v3", ContentType.LIVE, null, new String[] {"p2", "p9"}));

        Order o1 = new Order("o1", T, "u2", "m1", new OrderLine[] {
                new OrderLine("l1", "p1", 1, 1001, 0),
                new OrderLine("l2", "p2", 2, 500, 1000)}); // a zero-amount line
        Order o2 = new Order("o2", T, "u2", "m1", new OrderLine[] {new OrderLine("l1", "p3", 1, 100, 0)});
        Order o3 = new Order("o3", T + 100, "u1", "m1", new OrderLine[] {new OrderLine("l1", "p1", 1, 333, 0)});
        in.orders.addAll(List.of(o1, o2, o2, o3)); // o2 re-sent: DUPLICATE

        OrderUpdate x1 = new OrderUpdate("x1", T + DAY, "o1", "l1", UpdateKind.REFUND, 250L);
        in.updates.addAll(List.of(x1, x1, // re-sent: DUPLICATE
                new OrderUpdate("x2", T + 2 * DAY, "o1", "l1", UpdateKind.REFUND, 900L), // capped at 751
                new OrderUpdate("x3", T + 3 * DAY, "o1", "l1", UpdateKind.CANCEL, null), // ALREADY_REVERSED
                new OrderUpdate("x4", T, "o1", "l2", UpdateKind.CANCEL, null), // reverses 0
                new OrderUpdate("x5", T + 1, "o1", "l2", UpdateKind.REFUND, 100L), // ALREADY_REVERSED
                new OrderUpdate("x6", T + 100 + 30 * DAY + 1, "o3", "l1", UpdateKind.CANCEL, null), // AFTER_SETTLEMENT
                new OrderUpdate("x7", T + 100 - 2000, "o3", "l1", UpdateKind.CANCEL, null), // before o3: UNKNOWN_ORDER
                new OrderUpdate("x8", T + DAY, "o404", "l1", UpdateKind.CANCEL, null), // UNKNOWN_ORDER
                new OrderUpdate("x9", T + DAY, "o3", "l7", UpdateKind.CANCEL, null), // UNKNOWN_ORDER
                new OrderUpdate("x10", T + 100 + 30 * DAY, "o3", "l1", UpdateKind.REFUND, null))); // last instant
        return in;
    }

    private static Click click(String id, long ts, String user, String creator, String content, String format) {
        return new Click(id, ts, user, creator, content, ContentType.VIDEO, "p1", "m1", format);
    }

    @Test
    void theReferenceGivesTheNumbersWorkedOutByHand() {
        Result r = new ReferenceAttribution(new TallyConfig().attribution).run(trickyDataSet());

        // o1/l1: candidates k1 (c1/v1, T - 7d), k3 (c2/v3), k4 (c1/v1, T); product rule r2 (0.2) beats r1 and r3.
        Attribution last = one(r.primary, "o1", "l1", Model.LAST_CLICK, false, "v1");
        assertThat(last.touchEventId).isEqualTo("k4");
        assertThat(last.tier).isEqualTo("MID");
        assertThat(last.commissionRate).isEqualByComparingTo("0.2");
        assertThat(last.commissionCents).isEqualTo(200); // 1001 x 0.2 = 200.2
        assertThat(last.marginCents).isEqualTo(601);
        assertThat(last.newCustomer).isTrue();
        Attribution linear = one(r.shadow, "o1", "l1", Model.LINEAR, false, "v1");
        assertThat(linear.weight).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(linear.touchEventId).isEqualTo("k4"); // the group's latest click
        assertThat(linear.amountCents).isEqualTo(667);
        assertThat(one(r.shadow, "o1", "l1", Model.POSITION_BASED, false, "v1").weight).isCloseTo(0.8, within(1e-12));
        assertThat(one(r.shadow, "o1", "l1", Model.POSITION_BASED, false, "v3").weight).isCloseTo(0.2, within(1e-12));
        assertThat(one(r.shadow, "o1", "l1", Model.FIRST_CLICK, false, "v1").touchEventId).isEqualTo("k1");
        // Refunds of 250 then 900, capped at the 751 left; then nothing is left.
        assertThat(one(r.primary, "o1", "l1", Model.LAST_CLICK, true, "v1", "x1").commissionCents).isEqualTo(-50);
        assertThat(one(r.primary, "o1", "l1", Model.LAST_CLICK, true, "v1", "x2").amountCents).isEqualTo(-751);

        // o1/l2: no click on p2, a view on the window's first instant; view-through is unpaid.
        Attribution view = one(r.primary, "o1", "l2", Model.LAST_CLICK, false, "v3");
        assertThat(view.touch).isEqualTo(Touch.VIEW);
        assertThat(view.contentFormat).isEqualTo("OTHER");
        assertThat(view.commissionRate).isEqualByComparingTo("0.06"); // r3: creator c2, rate + bonus
        assertThat(view.commissionCents).isZero();
        assertThat(one(r.primary, "o1", "l2", Model.LAST_CLICK, true, "v3", "x4").amountCents).isZero();

        // o2: same ts as o1, greater orderId: not a new customer; organic.
        Attribution organic = one(r.primary, "o2", "l1", Model.LAST_CLICK, false, null);
        assertThat(organic.touch).isEqualTo(Touch.NONE);
        assertThat(organic.newCustomer).isFalse();
        assertThat(organic.commissionRate).isNull();

        // o3: the creator buys through its own content at T + 100, when r2 has just ended and c2 changed tier.
        Attribution self = one(r.primary, "o3", "l1", Model.LAST_CLICK, false, "v2");
        assertThat(self.selfPurchase).isTrue();
        assertThat(self.commissionRate).isEqualByComparingTo("0.1");
        assertThat(self.commissionCents).isZero();
        assertThat(self.marginCents).isNull();
        assertThat(self.contentFormat).isEqualTo("OTHER");

        assertThat(r.deadLetters).containsExactlyInAnyOrder(
                new Letter("clicks", DeadLetterReason.DUPLICATE, "k4"),
                new Letter("orders", DeadLetterReason.DUPLICATE, "o2"),
                new Letter("order-updates", DeadLetterReason.DUPLICATE, "x1"),
                new Letter("order-updates", DeadLetterReason.ALREADY_REVERSED, "x3"),
                new Letter("order-updates", DeadLetterReason.ALREADY_REVERSED, "x5"),
                new Letter("order-updates", DeadLetterReason.AFTER_SETTLEMENT, "x6"),
                new Letter("order-updates", DeadLetterReason.UNKNOWN_ORDER, "x7"),
                new Letter("order-updates", DeadLetterReason.UNKNOWN_ORDER, "x8"),
                new Letter("order-updates", DeadLetterReason.UNKNOWN_ORDER, "x9"));
    }

    @Test
    void theReplayAgreesWithTheReference() throws Exception {
        Input input = trickyDataSet();
        TallyConfig config = new TallyConfig();
        RandomDataSet.write(input, dir.resolve("in"), 7);
        Replay.run(dir.resolve("in"), dir.resolve("out"), config, 2);
        ReferenceComparison.assertAgrees(new ReferenceAttribution(config.attribution).run(input), dir.resolve("out"));
    }

    private static Attribution one(List<Attribution> records, String orderId, String lineId, Model model,
                                   boolean reversal, String contentId, String... updateEventId) {
        List<Attribution> found = records.stream()
                .filter(a -> a.orderId.equals(orderId) && a.lineId.equals(lineId) && a.model == model
                        && a.reversal == reversal && java.util.Objects.equals(a.contentId, contentId)
                        && (updateEventId.length == 0 || updateEventId[0].equals(a.updateEventId)))
                .toList();
        assertThat(found).as("%s/%s %s reversal=%s %s", orderId, lineId, model, reversal, contentId).hasSize(1);
        return found.get(0);
    }
}
