package io.tally.generate;

import io.tally.event.AlertRule;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.Product;
import io.tally.event.Spend;
import io.tally.event.SpendKind;
import io.tally.event.Tier;
import io.tally.event.View;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The deliberate stories of {@link Scenarios}, read back from the first 30 simulated minutes (and 18 hours). */
class ScenarioTest {
    private static final long MINUTE = 60_000;
    private static final int MINUTES = 30;
    private static long start;
    private static final List<GeneratedRecord> records = new ArrayList<>();

    @BeforeAll
    static void run() {
        GeneratorSettings settings = new GeneratorSettings();
        settings.eventsPerSimulatedSecond = 100;
        Generator generator = new Generator(settings);
        start = generator.startTs();
        long end = start + MINUTES * MINUTE;
        for (GeneratedRecord r = generator.next(); r.ts() < end + settings.disorderMs; r = generator.next()) {
            if (r.ts() < end) records.add(r);
        }
    }

    private static <T> List<T> typed(Class<T> type) {
        List<T> result = new ArrayList<>();
        for (GeneratedRecord r : records) {
            if (type.isInstance(r.record())) result.add(type.cast(r.record()));
        }
        return result;
    }

    private static int minute(long ts) {
        return (int) ((ts - start) / MINUTE);
    }

    @Test
    void oneContentGoesViralForFiveMinutesAfterTwentyQuietOnes() {
        Map<String, long[]> viewsPerMinute = new HashMap<>();
        for (View v : typed(View.class)) {
            viewsPerMinute.computeIfAbsent(v.contentId, k -> new long[MINUTES])[minute(v.ts)]++;
        }
        String viral = viewsPerMinute.entrySet().stream()
                .max((a, b) -> Long.compare(a.getValue()[21], b.getValue()[21])).orElseThrow().getKey();
        long[] views = viewsPerMinute.get(viral);
        double baseline = 0;
        for (int m = 0; m < 20; m++) {
            assertThat(views[m]).as("minute %d", m).isPositive();
            baseline += views[m] / 20.0;
        }
        assertThat(baseline).isGreaterThan(30);
        for (int m = 20; m < 25; m++) {
            assertThat((double) views[m]).as("minute %d", m).isGreaterThan(10 * baseline).isGreaterThan(100);
        }
        for (int m = 26; m < MINUTES; m++) assertThat((double) views[m]).as("minute %d", m).isLessThan(2 * baseline);
    }

    @Test
    void aPushedProductSellsOutWhileStillClicked() {
        Product soldOut = typed(Product.class).stream()
                .filter(p -> p.ts == start + Scenarios.SOLD_OUT && p.stock == 0).findFirst().orElseThrow();
        long[] clicks = new long[MINUTES];
        for (Click c : typed(Click.class)) {
            if (c.productId.equals(soldOut.productId)) clicks[minute(c.ts)]++;
        }
        for (int m = 22; m < 25; m++) assertThat(clicks[m]).as("minute %d", m).isGreaterThanOrEqualTo(5);
        long afterSurge = 0;
        for (int m = 25; m < MINUTES; m++) afterSurge += clicks[m];
        assertThat(afterSurge).as("still promoted after the surge").isGreaterThanOrEqualTo(3);
        for (Order o : typed(Order.class)) {
            if (o.ts < soldOut.ts) continue;
            for (OrderLine l : o.lines) assertThat(l.productId).isNotEqualTo(soldOut.productId);
        }
    }

    /** Commission at the plan's 30% plus spend, per last-click order of the creator, exceeds its margin per order. */
    @Test
    void aCreatorCostsMoreThanItsOrdersEarn() {
        CommissionRule plan = typed(CommissionRule.class).stream()
                .filter(r -> r.creatorId != null && r.productId == null)
                .filter(r -> r.rate.compareTo(new BigDecimal("0.30")) == 0)
                .findFirst().orElseThrow();
        Map<String, Long> unitCost = new HashMap<>();
        for (Product p : typed(Product.class)) unitCost.put(p.productId, p.unitCostCents);
        Map<String, String> lastClick = new HashMap<>();
        long orders = 0;
        long commission = 0;
        long margin = 0;
        long spend = 0;
        for (GeneratedRecord r : records) {
            Object o = r.record();
            if (o instanceof Click) {
                Click c = (Click) o;
                lastClick.put(c.userId + "|" + c.productId, c.creatorId);
                if (c.creatorId.equals(plan.creatorId)) assertThat(c.merchantId).isEqualTo(plan.merchantId);
            } else if (o instanceof Spend && ((Spend) o).creatorId.equals(plan.creatorId)) {
                spend += ((Spend) o).amountCents;
            } else if (o instanceof Order) {
                Order order = (Order) o;
                boolean attributed = false;
                for (OrderLine l : order.lines) {
                    if (!plan.creatorId.equals(lastClick.get(order.userId + "|" + l.productId))) continue;
                    attributed = true;
                    commission += l.lineAmountCents() * 30 / 100;
                    margin += l.lineAmountCents() - l.quantity * unitCost.get(l.productId);
                }
                if (attributed) orders++;
            }
        }
        assertThat(orders).isGreaterThanOrEqualTo(5);
        assertThat(spend).as("ADS every 5 minutes from minute 1").isGreaterThanOrEqualTo(4 * 400_00);
        assertThat(commission).isGreaterThan(margin);
        assertThat((commission + spend) / orders).isGreaterThan(margin / orders);
        assertThat(typed(Spend.class)).anySatisfy(s -> {
            assertThat(s.creatorId).isEqualTo(plan.creatorId);
            assertThat(s.kind).isEqualTo(SpendKind.ADS);
            assertThat(s.ts).isEqualTo(start + MINUTE);
        });
    }

    @Test
    void twoCreatorsCrossATierBoundaryOnTime() {
        Map<String, Tier> initial = new HashMap<>();
        List<String> moves = new ArrayList<>();
        for (Creator c : typed(Creator.class)) {
            Tier tier = Tier.ofFollowers(c.followers);
            Tier before = initial.putIfAbsent(c.creatorId, tier);
            if (before != null && before != tier) moves.add(minute(c.ts) + ":" + before + "->" + tier);
        }
        assertThat(moves).contains("3:MICRO->MID", "5:MACRO->MEGA");
    }

    @Test
    void anAnalystAddsAFastCpaRuleAndSwitchesItOffAnHourLater() {
        GeneratorSettings settings = new GeneratorSettings();
        settings.eventsPerSimulatedSecond = 1;
        Generator generator = new Generator(settings);
        List<String> rules = new ArrayList<>();
        for (GeneratedRecord r = generator.next(); r.ts() < start + 61 * MINUTE; r = generator.next()) {
            if (r.record() instanceof AlertRule) rules.add(r.json());
        }
        String rule = ",\"dimension\":\"CREATOR\",\"window\":\"1m\",\"metric\":\"cpa\",\"op\":\">\","
                + "\"threshold\":{\"metric\":\"marginPerOrder\"},"
                + "\"minSample\":{\"metric\":\"attributedOrders\",\"value\":3.0},\"forWindows\":2";
        assertThat(rules).containsExactly(
                "{\"ruleId\":\"sim-cpa-fast\",\"ts\":" + start + rule + "}",
                "{\"ruleId\":\"sim-cpa-fast\",\"ts\":" + (start + 60 * MINUTE) + ",\"enabled\":false}");
    }

    /** Over 18 sparse hours: the top creator's clicks keep coming while its link is broken, but none converts. */
    @Test
    void aBrokenLinkStopsConversions() {
        GeneratorSettings settings = new GeneratorSettings();
        settings.eventsPerSimulatedSecond = 2;
        Generator generator = new Generator(settings);
        long brokenFrom = start + Scenarios.BROKEN_LINK_START;
        long brokenUntil = start + Scenarios.BROKEN_LINK_END;
        Map<String, Click> lastClick = new HashMap<>();
        long clicksWhileBroken = 0;
        long ordersOfBrokenClicks = 0;
        long ordersOfWorkingClicks = 0;
        for (GeneratedRecord r = generator.next(); r.ts() < start + 18 * Scenarios.HOUR; r = generator.next()) {
            Object o = r.record();
            if (o instanceof Click) {
                Click c = (Click) o;
                lastClick.put(c.userId + "|" + c.productId, c);
                if (c.creatorId.equals("c-0001") && c.ts >= brokenFrom && c.ts < brokenUntil) clicksWhileBroken++;
            } else if (o instanceof Order) {
                Order order = (Order) o;
                for (OrderLine l : order.lines) {
                    Click c = lastClick.get(order.userId + "|" + l.productId);
                    if (c == null || !c.creatorId.equals("c-0001")) continue;
                    if (c.ts >= brokenFrom && c.ts < brokenUntil) ordersOfBrokenClicks++;
                    else ordersOfWorkingClicks++;
                }
            }
        }
        assertThat(clicksWhileBroken).isGreaterThan(50);
        assertThat(ordersOfWorkingClicks).isGreaterThan(10);
        assertThat(ordersOfBrokenClicks).isZero();
    }

    @Test
    void scenariosCanBeSwitchedOff() {
        GeneratorSettings settings = new GeneratorSettings();
        settings.scenarios = false;
        settings.alertRules = false;
        Generator generator = new Generator(settings);
        for (int i = 0; i < 5_000; i++) {
            Object record = generator.next().record();
            assertThat(record).isNotInstanceOf(AlertRule.class);
            if (record instanceof CommissionRule && ((CommissionRule) record).rate != null) {
                assertThat(((CommissionRule) record).rate).isLessThan(new BigDecimal("0.30"));
            }
        }
    }
}
