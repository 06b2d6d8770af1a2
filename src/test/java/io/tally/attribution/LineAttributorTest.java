package io.tally.attribution;

import io.tally.attribution.AttributionSettings;
import io.tally.event.AsOf;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Order;
import io.tally.event.Product;
import io.tally.event.View;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tally.attribution.AttributeOrderLinesTest.credit;
import static io.tally.attribution.AttributionFixtures.DAY;
import static io.tally.attribution.AttributionFixtures.HOUR;
import static io.tally.attribution.AttributionFixtures.MERCHANT;
import static io.tally.attribution.AttributionFixtures.T;
import static io.tally.attribution.AttributionFixtures.USER;
import static io.tally.attribution.AttributionFixtures.click;
import static io.tally.attribution.AttributionFixtures.creator;
import static io.tally.attribution.AttributionFixtures.line;
import static io.tally.attribution.AttributionFixtures.order;
import static io.tally.attribution.AttributionFixtures.product;
import static io.tally.attribution.AttributionFixtures.rule;
import static io.tally.attribution.AttributionFixtures.settings;
import static io.tally.attribution.AttributionFixtures.view;
import static io.tally.attribution.AttributionFixtures.withBonus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LineAttributor} against CONTRACT section 3, rules 1 to 8, without Flink: a user's history, reference data in
 * lists and the records it writes. Most tests credit one line of 100.00 under a merchant-wide rule of 10%.
 */
class LineAttributorTest {
    private static final long WEEK = 7 * DAY;
    private static final long YEAR = 365 * DAY;

    private AttributionSettings settings = settings();
    private final ListReference reference = new ListReference();
    private final List<Click> clicks = new ArrayList<>();
    private final List<View> views = new ArrayList<>();
    private final Records records = new Records();

    /** Attributes the orders, in turn, against the clicks and views given so far; returns the primary records. */
    private List<Attribution> attribute(Order... orders) {
        List<TouchPoint> touches = new ArrayList<>();
        clicks.forEach(c -> touches.add(TouchPoint.of(c)));
        List<TouchPoint> seen = new ArrayList<>();
        views.forEach(v -> seen.add(TouchPoint.of(v)));
        UserHistory history = new UserHistory(touches, seen, null);
        LineAttributor attributor = new LineAttributor(settings, reference);
        for (Order o : orders) attributor.attribute(o, history, records);
        return records.primary;
    }

    private List<String> credits(Order... orders) {
        return attribute(orders).stream().map(AttributeOrderLinesTest::credit).toList();
    }

    private static final String ORGANIC = "NONE null null/null w=1.0 amount=100.00 rate=null commission=0.00";

    // ---- 1, 2. candidate clicks; the primary model ----

    @Test
    void lastClickWinsTheWholeLine() {
        reference.add(rule("r1", 0, "0.10"));
        clicks.addAll(List.of(click("k1", T - 2 * HOUR, "c1", "v1"), click("k2", T - HOUR, "c2", "v2")));
        assertThat(credits(order("o1", T, line("l1", 100_00))))
                .containsExactly("CLICK k2 c2/v2 w=1.0 amount=100.00 rate=0.1 commission=10.00");
    }

    @Test
    void onlyClicksOnTheLinesProductWithinTheClickWindowUpToTAreCandidates() {
        reference.add(rule("r1", 0, "0.10"));
        clicks.addAll(List.of(click("early", T - WEEK - 1, "c1", "v1"), click("first", T - WEEK, "c2", "v2"),
                click("other", T - HOUR, "c3", "v3", "p2"), click("after", T + 1, "c4", "v4")));
        assertThat(credits(order("o1", T, line("l1", 100_00))))
                .containsExactly("CLICK first c2/v2 w=1.0 amount=100.00 rate=0.1 commission=10.00");
    }

    // ---- 2. shadow models ----

    @Test
    void eachLineIsWrittenUnderThePrimaryModelThenEveryShadowModel() {
        settings.shadowModels.addAll(List.of(Model.FIRST_CLICK, Model.LAST_CLICK, Model.LINEAR));
        reference.add(rule("r1", 0, "0.10"));
        clicks.addAll(List.of(click("k1", T - 2 * HOUR, "c1", "v1"), click("k2", T - HOUR, "c2", "v2")));
        attribute(order("o1", T, line("l1", 100_00), line("l2", "p2", 1, 50_00)));
        assertThat(records.all).containsExactly(
                "primary LAST_CLICK l1 k2", "shadow FIRST_CLICK l1 k1", "shadow LINEAR l1 k1", "shadow LINEAR l1 k2",
                "primary LAST_CLICK l2 null", "shadow FIRST_CLICK l2 null", "shadow LINEAR l2 null");
    }

    // ---- 3. view-through; 6. unpaid unless payViewThrough ----

    @Test
    void withoutACandidateClickTheLastViewShowingTheProductWinsWithoutCommission() {
        reference.add(rule("r1", 0, "0.10"));
        views.addAll(List.of(view("w1", T - DAY, "c1", "v1", "p1"), view("w2", T - HOUR, "c2", "v2", "p9", "p1"),
                view("w3", T - 1, "c3", "v3", "p2")));
        assertThat(credits(order("o1", T, line("l1", 100_00))))
                .containsExactly("VIEW w2 c2/v2 w=1.0 amount=100.00 rate=0.1 commission=0.00");
    }

    @Test
    void aViewThroughIsPaidWhenPayViewThroughIsSet() {
        settings.payViewThrough = true;
        reference.add(rule("r1", 0, "0.10"));
        views.add(view("w1", T - HOUR, "c1", "v1", "p1"));
        assertThat(credits(order("o1", T, line("l1", 100_00))))
                .containsExactly("VIEW w1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=10.00");
    }

    @Test
    void aCandidateClickWinsOverALaterView() {
        reference.add(rule("r1", 0, "0.10"));
        clicks.add(click("k1", T - 3 * DAY, "c1", "v1"));
        views.add(view("w1", T - HOUR, "c2", "v2", "p1"));
        assertThat(credits(order("o1", T, line("l1", 100_00))))
                .containsExactly("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=10.00");
    }

    // ---- 4. organic ----

    @Test
    void aLineWithoutClickOrViewIsOrganicWithCreatorFieldsAndRateNull() {
        reference.add(rule("r1", 0, "0.10"));
        Attribution a = attribute(order("o1", T, line("l1", 100_00))).get(0);
        assertThat(credit(a)).isEqualTo(ORGANIC);
        assertThat(a.tier).isNull();
        assertThat(a.touchTs).isNull();
        assertThat(a.selfPurchase).isFalse();
    }

    // ---- 5. commission rate at T ----

    @Test
    void theMostSpecificRuleInForceAtTGivesTheRatePlusItsBonus() {
        reference.add(rule("merchant", 0, "0.01"), rule("creator", 0, null, "c1", "0.02"),
                withBonus(rule("product", 0, "p1", null, "0.03"), "0.02", null),
                rule("later", T + 1, "p1", "c1", "0.50"));
        clicks.add(click("k1", T - HOUR, "c1", "v1"));
        assertThat(credits(order("o1", T, line("l1", 100_00))))
                .containsExactly("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.05 commission=5.00");
    }

    @Test
    void withoutAMatchingRuleTheRateIsZero() {
        reference.add(rule("other", 0, "p2", null, "0.10"));
        clicks.add(click("k1", T - HOUR, "c1", "v1"));
        assertThat(credits(order("o1", T, line("l1", 100_00))))
                .containsExactly("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.0 commission=0.00");
    }

    // ---- 6. self-purchase; tier ----

    @Test
    void aSelfPurchaseEarnsNoCommission() {
        reference.add(rule("r1", 0, "0.10"), creator("c1", 0, 50_000, USER));
        clicks.add(click("k1", T - HOUR, "c1", "v1"));
        Attribution a = attribute(order("o1", T, line("l1", 100_00))).get(0);
        assertThat(credit(a)).isEqualTo("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=0.00");
        assertThat(a.selfPurchase).isTrue();
    }

    @Test
    void theTierIsThatOfTheCreatorVersionInForceAtT() {
        reference.add(creator("c1", 0, 99_999, null), creator("c1", T, 100_000, null),
                creator("c1", T + 1, 500_000, null));
        clicks.add(click("k1", T - 2 * HOUR, "c1", "v1"));
        assertThat(attribute(order("o1", T - 1, line("l1", 100_00)), order("o2", T, line("l1", 100_00))))
                .extracting(a -> a.tier).containsExactly("MICRO", "MID");
    }

    // ---- 7. newCustomer ----

    @Test
    void allLinesOfAFirstOrderAreANewCustomersAndAnOrderWithinTheHorizonIsNot() {
        assertThat(attribute(order("o1", T, line("l1", 10_00), line("l2", 20_00)),
                order("o2", T + YEAR, line("l1", 10_00)), order("o3", T + 2 * YEAR + 1, line("l1", 10_00))))
                .extracting(a -> a.orderId + "/" + a.lineId + " " + a.newCustomer)
                .containsExactly("o1/l1 true", "o1/l2 true", "o2/l1 false", "o3/l1 true");
    }

    @Test
    void newCustomerIsPerMerchant() {
        assertThat(attribute(order("o1", T, MERCHANT, line("l1", 10_00)), order("o2", T + 1, "m2", line("l1", 10_00))))
                .extracting(a -> a.orderId + " " + a.newCustomer).containsExactly("o1 true", "o2 true");
    }

    // ---- 8. margin ----

    @Test
    void theMarginUsesTheUnitCostInForceAtTAndTheWeight() {
        settings = settings(Model.LINEAR);
        reference.add(product("p1", 0, 4_00L), product("p1", T + 1, 9_00L));
        clicks.addAll(List.of(click("k1", T - 2 * HOUR, "c1", "v1"), click("k2", T - HOUR, "c2", "v2")));
        // (20.00 - 2 x 4.00) x 0.5 for each of the two credits
        assertThat(attribute(order("o1", T, line("l1", "p1", 2, 10_00))))
                .extracting(a -> a.marginCents).containsExactly(6_00L, 6_00L);
    }

    @Test
    void anOrganicLineCarriesItsMarginAndAnUnknownUnitCostLeavesItNull() {
        reference.add(product("p1", 0, 4_00L), product("p2", 0, null));
        assertThat(attribute(order("o1", T, line("l1", "p1", 2, 10_00), line("l2", "p2", 1, 10_00),
                line("l3", "p3", 1, 10_00))))
                .extracting(a -> a.lineId + " " + a.marginCents).containsExactly("l1 1200", "l2 null", "l3 null");
    }

    /** Reference data from lists of versions, as the broadcast state holds them. */
    private static final class ListReference implements LineAttributor.Reference {
        private final Map<String, List<CommissionRule>> rules = new LinkedHashMap<>();
        private final Map<String, List<Product>> products = new HashMap<>();
        private final Map<String, List<Creator>> creators = new HashMap<>();

        void add(Object... versions) {
            for (Object v : versions) {
                if (v instanceof CommissionRule r) rules.merge(r.ruleId, List.of(r), (a, b) -> AsOf.insert(a, r, x -> x.ts, 0));
                else if (v instanceof Product p) products.merge(p.productId, List.of(p), (a, b) -> AsOf.insert(a, p, x -> x.ts, 0));
                else if (v instanceof Creator c) creators.merge(c.creatorId, List.of(c), (a, b) -> AsOf.insert(a, c, x -> x.ts, 0));
                else throw new IllegalArgumentException("not reference data: " + v);
            }
        }

        @Override
        public Iterable<List<CommissionRule>> rulesOf(String merchantId) {
            return rules.values().stream().filter(versions -> versions.get(0).merchantId.equals(merchantId)).toList();
        }

        @Override
        public Product productAsOf(String productId, long ts) {
            return AsOf.find(products.get(productId), p -> p.ts, ts);
        }

        @Override
        public Creator creatorAsOf(String creatorId, long ts) {
            return AsOf.find(creators.get(creatorId), c -> c.ts, ts);
        }
    }

    /** The records written, primary ones apart, and every record in order as "output model line touchEventId". */
    private static final class Records implements LineAttributor.Output {
        final List<Attribution> primary = new ArrayList<>();
        final List<String> all = new ArrayList<>();

        @Override
        public void primary(Attribution a) {
            primary.add(a);
            all.add("primary " + a.model + " " + a.lineId + " " + a.touchEventId);
        }

        @Override
        public void shadow(Attribution a) {
            all.add("shadow " + a.model + " " + a.lineId + " " + a.touchEventId);
        }
    }
}
