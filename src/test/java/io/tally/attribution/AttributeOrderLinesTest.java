package io.tally.attribution;

import io.tally.attribution.AttributionSettings;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Money;
import io.tally.event.Order;
import io.tally.event.Product;
import io.tally.event.View;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static io.tally.attribution.AttributionFixtures.DAY;
import static io.tally.attribution.AttributionFixtures.HOUR;
import static io.tally.attribution.AttributionFixtures.T;
import static io.tally.attribution.AttributionFixtures.click;
import static io.tally.attribution.AttributionFixtures.creator;
import static io.tally.attribution.AttributionFixtures.deadLetters;
import static io.tally.attribution.AttributionFixtures.deleted;
import static io.tally.attribution.AttributionFixtures.keyedStateEntries;
import static io.tally.attribution.AttributionFixtures.line;
import static io.tally.attribution.AttributionFixtures.order;
import static io.tally.attribution.AttributionFixtures.product;
import static io.tally.attribution.AttributionFixtures.rule;
import static io.tally.attribution.AttributionFixtures.settings;
import static io.tally.attribution.AttributionFixtures.sideOutput;
import static io.tally.attribution.AttributionFixtures.view;
import static io.tally.attribution.AttributionFixtures.withBonus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AttributeOrderLines} against CONTRACT section 3, rules 1 to 8: one test per rule and boundary. An order at T
 * is attributed once the watermark reaches T. Most tests credit one line of 100.00 under a merchant-wide rule of 10%.
 */
class AttributeOrderLinesTest {
    private static final long WEEK = 7 * DAY;
    private static final long YEAR = 365 * DAY;

    /** Settings of the harness, created on the first record: a test may change them before. */
    private AttributionSettings settings = settings();
    private KeyedBroadcastOperatorTestHarness<String, UserActivity, ReferenceData, Attribution> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) harness.close();
    }

    private KeyedBroadcastOperatorTestHarness<String, UserActivity, ReferenceData, Attribution> harness() throws Exception {
        if (harness == null) {
            harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new AttributeOrderLines(settings),
                    UserActivity::userId, Types.STRING,
                    AttributeOrderLines.RULES, AttributeOrderLines.PRODUCTS, AttributeOrderLines.CREATORS);
        }
        return harness;
    }

    /** Clicks, views and orders to the keyed input; rules, products and creators to the broadcast input. */
    private void send(Object... records) throws Exception {
        for (Object r : records) {
            if (r instanceof Click c) harness().processElement(UserActivity.of(c), c.ts);
            else if (r instanceof View v) harness().processElement(UserActivity.of(v), v.ts);
            else if (r instanceof Order o) harness().processElement(UserActivity.of(o), o.ts);
            else if (r instanceof CommissionRule cr) harness().processBroadcastElement(ReferenceData.of(cr), cr.ts);
            else if (r instanceof Product p) harness().processBroadcastElement(ReferenceData.of(p), p.ts);
            else if (r instanceof Creator c) harness().processBroadcastElement(ReferenceData.of(c), c.ts);
            else throw new IllegalArgumentException("not an input of attribution: " + r);
        }
    }

    /** Advances the watermark of both inputs. */
    private void watermark(long ts) throws Exception {
        harness().watermark(ts);
    }

    private List<Attribution> attributions() throws Exception {
        return harness().extractOutputValues();
    }

    private List<Attribution> shadow() throws Exception {
        return sideOutput(harness(), AttributeOrderLines.SHADOW);
    }

    /** The one primary record written. */
    private Attribution only() throws Exception {
        assertThat(attributions()).hasSize(1);
        return attributions().get(0);
    }

    /** What a rule decides, as one line: touch, winner, weight, amount, rate (as on the wire) and commission. */
    static String credit(Attribution a) {
        return a.touch + " " + a.touchEventId + " " + a.creatorId + "/" + a.contentId + " w=" + a.weight
                + " amount=" + Money.toDecimal(a.amountCents)
                + " rate=" + (a.commissionRate == null ? null : a.commissionRate.doubleValue())
                + " commission=" + Money.toDecimal(a.commissionCents);
    }

    private List<String> credits() throws Exception {
        return attributions().stream().map(AttributeOrderLinesTest::credit).collect(Collectors.toList());
    }

    private static final String ORGANIC = "NONE null null/null w=1.0 amount=100.00 rate=null commission=0.00";

    // ---- 1. candidate clicks: T - clickWindow <= click.ts <= T ----

    @Test
    void aClickExactlyOneClickWindowBeforeTheOrderCounts() throws Exception {
        send(rule("r1", 0, "0.10"), click("k1", T - WEEK, "c1", "v1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=10.00");
        assertThat(only().touchTs).isEqualTo(T - WEEK);
    }

    @Test
    void aClickOneMillisecondBeforeTheClickWindowDoesNotCount() throws Exception {
        send(rule("r1", 0, "0.10"), click("k1", T - WEEK - 1, "c1", "v1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly(ORGANIC);
    }

    @Test
    void aClickAtTheOrderTsCounts() throws Exception {
        send(rule("r1", 0, "0.10"), order("o1", T, line("l1", 100_00)), click("k1", T, "c1", "v1"));
        watermark(T);
        assertThat(credits()).containsExactly("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=10.00");
    }

    @Test
    void aClickOneMillisecondAfterTheOrderDoesNotCount() throws Exception {
        send(rule("r1", 0, "0.10"), order("o1", T, line("l1", 100_00)), click("k1", T + 1, "c1", "v1"));
        watermark(T + 1);
        assertThat(credits()).containsExactly(ORGANIC);
    }

    @Test
    void aClickOnAnotherProductDoesNotCount() throws Exception {
        send(rule("r1", 0, "0.10"), click("k1", T - HOUR, "c1", "v1", "p2"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly(ORGANIC);
    }

    // ---- 2. LAST_CLICK and FIRST_CLICK: (ts, eventId) decides, not arrival ----

    @Test
    void lastClickBreaksATsTieByTheGreatestEventId() throws Exception {
        send(rule("r1", 0, "0.10"), click("k2", T - HOUR, "c2", "v2"), click("k1", T - HOUR, "c1", "v1"),
                click("k9", T - 2 * HOUR, "c9", "v9"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly("CLICK k2 c2/v2 w=1.0 amount=100.00 rate=0.1 commission=10.00");
        assertThat(only().model).isEqualTo(Model.LAST_CLICK);
    }

    @Test
    void firstClickBreaksATsTieByTheLeastEventId() throws Exception {
        settings = settings(Model.FIRST_CLICK);
        send(rule("r1", 0, "0.10"), click("k0", T - HOUR, "c0", "v0"), click("k2", T - 2 * HOUR, "c2", "v2"),
                click("k1", T - 2 * HOUR, "c1", "v1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=10.00");
        assertThat(only().model).isEqualTo(Model.FIRST_CLICK);
    }

    // ---- 3. view-through: no candidate click, T - viewWindow <= view.ts <= T ----

    @Test
    void aViewExactlyOneViewWindowBeforeTheOrderIsCreditedWithoutCommission() throws Exception {
        send(rule("r1", 0, "0.10"), view("w1", T - DAY, "c1", "v1", "p9", "p1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly("VIEW w1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=0.00");
        assertThat(only().contentFormat).isEqualTo("TUTORIAL");
    }

    @Test
    void aViewOneMillisecondBeforeTheViewWindowDoesNotCount() throws Exception {
        send(rule("r1", 0, "0.10"), view("w1", T - DAY - 1, "c1", "v1", "p1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly(ORGANIC);
    }

    @Test
    void aViewAtTheOrderTsCountsAndOneMillisecondAfterDoesNot() throws Exception {
        send(rule("r1", 0, "0.10"), order("o1", T, line("l1", 100_00)),
                view("w1", T, "c1", "v1", "p1"), view("w2", T + 1, "c2", "v2", "p1"));
        watermark(T + 1);
        assertThat(credits()).containsExactly("VIEW w1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=0.00");
    }

    @Test
    void theLatestViewWinsByTsThenEventId() throws Exception {
        send(rule("r1", 0, "0.10"), view("w2", T - HOUR, "c2", "v2", "p1"), view("w1", T - HOUR, "c1", "v1", "p1"),
                view("w0", T - 2 * HOUR, "c0", "v0", "p1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly("VIEW w2 c2/v2 w=1.0 amount=100.00 rate=0.1 commission=0.00");
    }

    @Test
    void aViewThroughIsPaidWhenPayViewThroughIsTrue() throws Exception {
        settings.payViewThrough = true;
        send(rule("r1", 0, "0.10"), view("w1", T - HOUR, "c1", "v1", "p1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly("VIEW w1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=10.00");
    }

    @Test
    void aCandidateClickWinsOverALaterView() throws Exception {
        send(rule("r1", 0, "0.10"), click("k1", T - 3 * DAY, "c1", "v1"), view("w1", T - HOUR, "c2", "v2", "p1"),
                order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=10.00");
    }

    @Test
    void aViewOfContentNotShowingTheProductDoesNotCount() throws Exception {
        send(rule("r1", 0, "0.10"), view("w1", T - HOUR, "c1", "v1", "p2"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly(ORGANIC);
    }

    // ---- 4. organic lines ----

    @Test
    void anOrganicLineIsWrittenWithCreatorFieldsAndRateNullAndNoCommission() throws Exception {
        send(rule("r1", 0, "0.10"), order("o1", T, line("l1", "p1", 2, 50_00)));
        watermark(T);
        Attribution a = only();
        assertThat(credit(a)).isEqualTo(ORGANIC);
        assertThat(a.touchTs).isNull();
        assertThat(a.contentFormat).isNull();
        assertThat(a.tier).isNull();
        assertThat(a.selfPurchase).isFalse();
        assertThat(a.reversal).isFalse();
        assertThat(a.quantity).isEqualTo(2);
        assertThat(a.lineAmountCents).isEqualTo(100_00);
        assertThat(a.model).isEqualTo(Model.LAST_CLICK);
    }

    // ---- 2. weights of the other models ----

    @Test
    void linearSplitsALineEquallyOverTheClickedContents() throws Exception {
        settings = settings(Model.LINEAR);
        send(rule("r1", 0, "0.10"), click("k1", T - 3 * HOUR, "c1", "v1"), click("k2", T - 2 * HOUR, "c2", "v2"),
                click("k3", T - HOUR, "c3", "v3"), order("o1", T, line("l1", 90_00)));
        watermark(T);
        assertThat(credits()).containsExactlyInAnyOrder(
                "CLICK k1 c1/v1 w=" + 1.0 / 3 + " amount=30.00 rate=0.1 commission=3.00",
                "CLICK k2 c2/v2 w=" + 1.0 / 3 + " amount=30.00 rate=0.1 commission=3.00",
                "CLICK k3 c3/v3 w=" + 1.0 / 3 + " amount=30.00 rate=0.1 commission=3.00");
    }

    @Test
    void linearMergesClicksOfTheSameCreatorAndContent() throws Exception {
        settings = settings(Model.LINEAR);
        send(rule("r1", 0, "0.10"), click("k1", T - 3 * HOUR, "c1", "v1"), click("k2", T - 2 * HOUR, "c2", "v2"),
                click("k3", T - HOUR, "c1", "v1"), click("k4", T - HOUR, "c1", "v4"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        // c1/v1 twice: half; c1/v4 is other content of the same creator: not merged. The group stands as its latest click.
        assertThat(credits()).containsExactlyInAnyOrder(
                "CLICK k3 c1/v1 w=0.5 amount=50.00 rate=0.1 commission=5.00",
                "CLICK k2 c2/v2 w=0.25 amount=25.00 rate=0.1 commission=2.50",
                "CLICK k4 c1/v4 w=0.25 amount=25.00 rate=0.1 commission=2.50");
    }

    @Test
    void timeDecayWeighsEachClickByTwoToTheMinusAgeInHalfLives() throws Exception {
        settings = settings(Model.TIME_DECAY);
        send(rule("r1", 0, "0.10"), click("k1", T - 2 * DAY, "c1", "v1"), click("k2", T - DAY, "c2", "v2"),
                click("k3", T, "c3", "v3"), order("o1", T, line("l1", 70_00)));
        watermark(T);
        // 1/4 : 1/2 : 1 = 1/7 : 2/7 : 4/7
        assertThat(credits()).containsExactlyInAnyOrder(
                "CLICK k1 c1/v1 w=" + 1.0 / 7 + " amount=10.00 rate=0.1 commission=1.00",
                "CLICK k2 c2/v2 w=" + 2.0 / 7 + " amount=20.00 rate=0.1 commission=2.00",
                "CLICK k3 c3/v3 w=" + 4.0 / 7 + " amount=40.00 rate=0.1 commission=4.00");
    }

    @Test
    void positionBasedGivesOneClickTheWholeLine() throws Exception {
        settings = settings(Model.POSITION_BASED);
        send(rule("r1", 0, "0.10"), click("k1", T - HOUR, "c1", "v1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=10.00");
    }

    @Test
    void positionBasedSplitsTwoClicksInHalves() throws Exception {
        settings = settings(Model.POSITION_BASED);
        send(rule("r1", 0, "0.10"), click("k1", T - 2 * HOUR, "c1", "v1"), click("k2", T - HOUR, "c2", "v2"),
                order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactlyInAnyOrder(
                "CLICK k1 c1/v1 w=0.5 amount=50.00 rate=0.1 commission=5.00",
                "CLICK k2 c2/v2 w=0.5 amount=50.00 rate=0.1 commission=5.00");
    }

    @Test
    void positionBasedGivesThreeClicksFortyTwentyForty() throws Exception {
        settings = settings(Model.POSITION_BASED);
        send(rule("r1", 0, "0.10"), click("k1", T - 3 * HOUR, "c1", "v1"), click("k2", T - 2 * HOUR, "c2", "v2"),
                click("k3", T - HOUR, "c3", "v3"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactlyInAnyOrder(
                "CLICK k1 c1/v1 w=0.4 amount=40.00 rate=0.1 commission=4.00",
                "CLICK k2 c2/v2 w=0.2 amount=20.00 rate=0.1 commission=2.00",
                "CLICK k3 c3/v3 w=0.4 amount=40.00 rate=0.1 commission=4.00");
    }

    @Test
    void positionBasedSharesTwentyPercentAmongTheMiddleClicks() throws Exception {
        settings = settings(Model.POSITION_BASED);
        send(rule("r1", 0, "0.10"), click("k1", T - 4 * HOUR, "c1", "v1"), click("k2", T - 3 * HOUR, "c2", "v2"),
                click("k3", T - 2 * HOUR, "c3", "v3"), click("k4", T - HOUR, "c4", "v4"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactlyInAnyOrder(
                "CLICK k1 c1/v1 w=0.4 amount=40.00 rate=0.1 commission=4.00",
                "CLICK k2 c2/v2 w=0.1 amount=10.00 rate=0.1 commission=1.00",
                "CLICK k3 c3/v3 w=0.1 amount=10.00 rate=0.1 commission=1.00",
                "CLICK k4 c4/v4 w=0.4 amount=40.00 rate=0.1 commission=4.00");
    }

    @Test
    void positionBasedMergesTheFirstAndLastClickOfTheSameContent() throws Exception {
        settings = settings(Model.POSITION_BASED);
        send(rule("r1", 0, "0.10"), click("k1", T - 3 * HOUR, "c1", "v1"), click("k2", T - 2 * HOUR, "c2", "v2"),
                click("k3", T - HOUR, "c1", "v1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactlyInAnyOrder(
                "CLICK k3 c1/v1 w=0.8 amount=80.00 rate=0.1 commission=8.00",
                "CLICK k2 c2/v2 w=0.2 amount=20.00 rate=0.1 commission=2.00");
    }

    // ---- 2. shadow models ----

    @Test
    void shadowModelsGoToTheShadowOutputAndNeverToTheMainOutput() throws Exception {
        settings.shadowModels.addAll(List.of(Model.FIRST_CLICK, Model.LINEAR, Model.TIME_DECAY,
                Model.POSITION_BASED, Model.LAST_CLICK));
        send(rule("r1", 0, "0.10"), click("k1", T - DAY, "c1", "v1"), click("k2", T, "c2", "v2"),
                order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(attributions()).extracting(a -> a.model + " " + credit(a)).containsExactly(
                "LAST_CLICK CLICK k2 c2/v2 w=1.0 amount=100.00 rate=0.1 commission=10.00");
        // The primary model listed among the shadow models is skipped there.
        assertThat(shadow()).extracting(a -> a.model + " " + credit(a)).containsExactlyInAnyOrder(
                "FIRST_CLICK CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=10.00",
                "LINEAR CLICK k1 c1/v1 w=0.5 amount=50.00 rate=0.1 commission=5.00",
                "LINEAR CLICK k2 c2/v2 w=0.5 amount=50.00 rate=0.1 commission=5.00",
                "TIME_DECAY CLICK k1 c1/v1 w=" + 1.0 / 3 + " amount=33.33 rate=0.1 commission=3.33",
                "TIME_DECAY CLICK k2 c2/v2 w=" + 2.0 / 3 + " amount=66.67 rate=0.1 commission=6.67",
                "POSITION_BASED CLICK k1 c1/v1 w=0.5 amount=50.00 rate=0.1 commission=5.00",
                "POSITION_BASED CLICK k2 c2/v2 w=0.5 amount=50.00 rate=0.1 commission=5.00");
    }

    @Test
    void shadowModelsAlsoWriteOrganicLines() throws Exception {
        settings.shadowModels.add(Model.LINEAR);
        send(rule("r1", 0, "0.10"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(attributions()).extracting(a -> a.model + " " + credit(a)).containsExactly("LAST_CLICK " + ORGANIC);
        assertThat(shadow()).extracting(a -> a.model + " " + credit(a)).containsExactly("LINEAR " + ORGANIC);
    }

    // ---- 5. commission rate at T ----

    @Test
    void theMostSpecificRuleWinsWhateverItsTs() throws Exception {
        send(rule("both", 0, "p1", "c1", "0.04"), rule("product", 1, "p1", null, "0.03"),
                rule("creator", 2, null, "c1", "0.02"), rule("merchant", 3, "0.01"),
                rule("otherCreator", 4, "p1", "c2", "0.50"), rule("otherProduct", 4, "p2", "c1", "0.50"),
                click("k1", T - HOUR, "c1", "v1"));
        // Remove the winner, one level at a time.
        send(order("o1", T, line("l1", 100_00)), deleted("both", T + 1), order("o2", T + 2, line("l1", 100_00)),
                deleted("product", T + 3), order("o3", T + 4, line("l1", 100_00)),
                deleted("creator", T + 5), order("o4", T + 6, line("l1", 100_00)),
                deleted("merchant", T + 7), order("o5", T + 8, line("l1", 100_00)));
        watermark(T + 8);
        assertThat(credits()).containsExactly(
                "CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.04 commission=4.00",
                "CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.03 commission=3.00",
                "CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.02 commission=2.00",
                "CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.01 commission=1.00",
                "CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.0 commission=0.00");
    }

    @Test
    void equallySpecificRulesTieOnTheGreatestTsThenTheGreatestRuleId() throws Exception {
        send(rule("a", T - 2 * DAY, "0.05"), rule("b", T - 2 * DAY, "0.06"), rule("c", T - 3 * DAY, "0.07"),
                click("k1", T - HOUR, "c1", "v1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.06 commission=6.00");
    }

    @Test
    void theBonusRateIsAddedToTheRate() throws Exception {
        send(withBonus(rule("r1", 0, "0.10"), "0.05", null), click("k1", T - HOUR, "c1", "v1"),
                order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.15 commission=15.00");
    }

    @Test
    void aRuleWithItsBonusStopsAtValidUntilExclusive() throws Exception {
        long until = T + DAY;
        send(rule("base", 0, "0.05"), withBonus(rule("promo", 0, "p1", null, "0.10"), "0.05", until),
                click("k1", T, "c1", "v1"), order("o1", until - 1, line("l1", 100_00)), order("o2", until, line("l1", 100_00)));
        watermark(until);
        assertThat(credits()).containsExactly(
                "CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.15 commission=15.00",
                "CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.05 commission=5.00");
    }

    @Test
    void aRateChangeAppliesAsOfItsTsThoughAnOlderVersionArrivesAfterIt() throws Exception {
        send(rule("r1", T, "0.20"), rule("r1", 0, "0.10"), click("k1", T - HOUR, "c1", "v1"),
                order("o1", T - 1, line("l1", 100_00)), order("o2", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly(
                "CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=10.00",
                "CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.2 commission=20.00");
    }

    @Test
    void aDeletionAppliesAsOfItsTsThoughAnOlderVersionArrivesAfterIt() throws Exception {
        send(deleted("r1", T), rule("r1", 0, "0.10"), click("k1", T - HOUR, "c1", "v1"),
                order("o1", T - 1, line("l1", 100_00)), order("o2", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly(
                "CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=10.00",
                "CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.0 commission=0.00");
    }

    // ---- tier of the winning creator as of T ----

    @Test
    void theTierTurnsFromMicroToMidAtExactly100000Followers() throws Exception {
        send(creator("c1", T, 100_000, null), creator("c1", 0, 99_999, null), click("k1", T - HOUR, "c1", "v1"),
                order("o1", T - 1, line("l1", 100_00)), order("o2", T, line("l1", 100_00)));
        watermark(T);
        assertThat(attributions()).extracting(a -> a.tier).containsExactly("MICRO", "MID");
    }

    @Test
    void theTierIsUnknownWithoutACreatorVersionInForce() throws Exception {
        send(creator("c1", T + 1, 5_000, null), click("k1", T - HOUR, "c1", "v1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(only().tier).isEqualTo("UNKNOWN");
    }

    // ---- 6. self-purchase ----

    @Test
    void aSelfPurchaseEarnsNoCommission() throws Exception {
        send(rule("r1", 0, "0.10"), creator("c1", 0, 50_000, AttributionFixtures.USER),
                click("k1", T - HOUR, "c1", "v1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=0.00");
        assertThat(only().selfPurchase).isTrue();
    }

    @Test
    void anotherShoppersPurchaseIsNoSelfPurchase() throws Exception {
        send(rule("r1", 0, "0.10"), creator("c1", 0, 50_000, "someoneElse"),
                click("k1", T - HOUR, "c1", "v1"), order("o1", T, line("l1", 100_00)));
        watermark(T);
        assertThat(credits()).containsExactly("CLICK k1 c1/v1 w=1.0 amount=100.00 rate=0.1 commission=10.00");
        assertThat(only().selfPurchase).isFalse();
    }

    // ---- 8. margin ----

    @Test
    void theMarginUsesTheUnitCostInForceAtTAndTheWeight() throws Exception {
        settings = settings(Model.LINEAR);
        send(product("p1", T + 1, 9_00L), product("p1", 0, 4_00L),
                click("k1", T - 2 * HOUR, "c1", "v1"), click("k2", T - HOUR, "c2", "v2"),
                order("o1", T, line("l1", "p1", 2, 10_00)), order("o2", T + 1, line("l1", "p1", 2, 10_00)));
        watermark(T + 1);
        // (20.00 - 2 x 4.00) x 0.5, then (20.00 - 2 x 9.00) x 0.5
        assertThat(attributions()).extracting(a -> a.orderId + " " + a.marginCents)
                .containsExactly("o1 600", "o1 600", "o2 100", "o2 100");
    }

    @Test
    void theMarginIsNullWithoutAUnitCostInForce() throws Exception {
        send(product("p1", 0, null), product("p3", 0, 1_00L), product("p4", T + 1, 1_00L),
                order("o1", T, line("l1", "p1", 1, 10_00), line("l2", "p2", 1, 10_00),
                        line("l3", "p3", 1, 10_00), line("l4", "p4", 1, 10_00)));
        watermark(T);
        assertThat(attributions()).extracting(a -> a.lineId + " " + a.marginCents)
                .containsExactly("l1 null", "l2 null", "l3 900", "l4 null");
    }

    // ---- 1, 6. money: exact, rounded HALF_EVEN to cents ----

    @Test
    void commissionsRoundHalfEvenToCents() throws Exception {
        send(rule("r1", 0, "0.10"), click("k1", T - HOUR, "c1", "v1", "p1"), click("k2", T - HOUR, "c1", "v1", "p2"),
                order("o1", T, line("l1", "p1", 1, 1_25), line("l2", "p2", 1, 1_35)));
        watermark(T);
        // 0.125 -> 0.12 and 0.135 -> 0.14: to the even cent either way
        assertThat(credits()).containsExactly(
                "CLICK k1 c1/v1 w=1.0 amount=1.25 rate=0.1 commission=0.12",
                "CLICK k2 c1/v1 w=1.0 amount=1.35 rate=0.1 commission=0.14");
    }

    @Test
    void amountsRoundHalfEvenToCents() throws Exception {
        settings = settings(Model.LINEAR);
        send(click("k1", T - 2 * HOUR, "c1", "v1", "p1"), click("k2", T - HOUR, "c2", "v2", "p1"),
                click("k3", T - 2 * HOUR, "c1", "v1", "p2"), click("k4", T - HOUR, "c2", "v2", "p2"),
                order("o1", T, line("l1", "p1", 1, 25), line("l2", "p2", 1, 35)));
        watermark(T);
        // 0.25 / 2 = 0.125 -> 0.12; 0.35 / 2 = 0.175 -> 0.18
        assertThat(attributions()).extracting(a -> a.lineId + " " + Money.toDecimal(a.amountCents))
                .containsExactlyInAnyOrder("l1 0.12", "l1 0.12", "l2 0.18", "l2 0.18");
    }

    // ---- 7. newCustomer ----

    @Test
    void theFirstOrderAtAMerchantIsANewCustomersAndOneExactlyAHorizonLaterIsNot() throws Exception {
        send(order("o1", T, line("l1", 10_00), line("l2", 20_00)), order("o2", T + YEAR, line("l1", 10_00)));
        watermark(T + YEAR);
        assertThat(attributions()).extracting(a -> a.orderId + "/" + a.lineId + " " + a.newCustomer)
                .containsExactly("o1/l1 true", "o1/l2 true", "o2/l1 false");
    }

    @Test
    void anOrderMoreThanAHorizonAfterThePreviousOneIsANewCustomersAgain() throws Exception {
        send(order("o1", T, line("l1", 10_00)), order("o2", T + 100 * DAY, line("l1", 10_00)),
                order("o3", T + 100 * DAY + YEAR + 1, line("l1", 10_00)));
        watermark(T + 100 * DAY + YEAR + 1);
        // o3 is more than a horizon after o2, which is within a horizon of o1
        assertThat(attributions()).extracting(a -> a.orderId + " " + a.newCustomer)
                .containsExactly("o1 true", "o2 false", "o3 true");
    }

    @Test
    void ordersAtTheSameTsCountInOrderIdOrder() throws Exception {
        send(order("o2", T, line("l1", 10_00)), order("o1", T, line("l1", 10_00)));
        watermark(T);
        assertThat(attributions()).extracting(a -> a.orderId + " " + a.newCustomer)
                .containsExactly("o1 true", "o2 false");
    }

    @Test
    void newCustomerIsPerMerchant() throws Exception {
        send(order("o1", T, "m1", line("l1", 10_00)), order("o2", T + 1, "m2", line("l1", 10_00)),
                order("o3", T + 2, "m1", line("l1", 10_00)));
        watermark(T + 2);
        assertThat(attributions()).extracting(a -> a.orderId + " " + a.newCustomer)
                .containsExactly("o1 true", "o2 true", "o3 false");
    }

    // ---- late records ----

    @Test
    void recordsAtOrBehindTheWatermarkAreLateDeadLettersAndNothingIsStored() throws Exception {
        send(rule("r1", 0, "0.10"));
        watermark(T);
        send(click("k1", T, "c1", "v1"), view("w1", T - 1, "c1", "v1", "p1"), order("o1", T, line("l1", 100_00)));
        assertThat(deadLetters(harness())).extracting(d -> d.stream + " " + d.reason).containsExactly(
                "clicks LATE", "views LATE", "orders LATE");
        assertThat(deadLetters(harness())).extracting(d -> d.payload).satisfiesExactly(
                p -> assertThat(p).contains("\"k1\""), p -> assertThat(p).contains("\"w1\""),
                p -> assertThat(p).contains("\"o1\""));
        assertThat(keyedStateEntries(harness())).isZero();
        assertThat(harness().numEventTimeTimers()).isZero();
        // A later order is organic: the late click was not kept.
        send(order("o2", T + 1, line("l1", 100_00)));
        watermark(T + 1);
        assertThat(credits()).containsExactly(ORGANIC);
    }

    // ---- bounded state ----

    @Test
    void noStateOrTimerIsLeftOnceTheWatermarkPassesEveryHorizon() throws Exception {
        send(rule("r1", 0, "0.10"), click("k1", T - HOUR, "c1", "v1"), click("k2", T - HOUR, "c1", "v1", "p2"),
                view("w1", T - HOUR, "c1", "v1", "p1", "p3"), view("w2", T + 1, "c1", "v1"),
                order("o1", T, line("l1", 100_00)), order("o2", T + 2 * DAY, "m2", line("l1", 100_00)));
        watermark(T + 2 * DAY + WEEK);
        // Clicks and views are gone; the last order at each merchant waits for the customer horizon: its value and
        // the prune timer of each order remain.
        assertThat(attributions()).hasSize(2);
        assertThat(keyedStateEntries(harness())).isEqualTo(1);
        assertThat(harness().numEventTimeTimers()).isEqualTo(2);
        // Expired state goes at the next whole hour after its horizon.
        watermark(T + 2 * DAY + YEAR + HOUR);
        assertThat(keyedStateEntries(harness())).isZero();
        assertThat(harness().numEventTimeTimers()).isZero();
    }
}
