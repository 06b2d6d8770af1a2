package io.tally.alert;

import io.tally.event.AlertRule;
import io.tally.kpi.Kpi;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.tally.alert.AlertFixtures.MINUTE;
import static io.tally.alert.AlertFixtures.alert;
import static io.tally.alert.AlertFixtures.alsoRequire;
import static io.tally.alert.AlertFixtures.baseline;
import static io.tally.alert.AlertFixtures.clicks;
import static io.tally.alert.AlertFixtures.disabled;
import static io.tally.alert.AlertFixtures.endOf;
import static io.tally.alert.AlertFixtures.minSample;
import static io.tally.alert.AlertFixtures.openClicks;
import static io.tally.alert.AlertFixtures.record;
import static io.tally.alert.AlertFixtures.rule;
import static io.tally.alert.AlertFixtures.slot;
import static io.tally.alert.AlertFixtures.versus;
import static io.tally.alert.AlertFixtures.with;
import static io.tally.alert.AlertState.FIRING;
import static io.tally.alert.AlertState.RESOLVED;
import static io.tally.attribution.AttributionFixtures.keyedStateEntries;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EvaluateAlerts} against CONTRACT section 5, on one key (CREATOR c1, one-minute windows) unless said
 * otherwise. A slot is evaluated once the watermark of both inputs reaches its end - 1 ({@link AlertFixtures#endOf}).
 * Most tests watch {@code clicks >= 10} ("busy").
 */
class EvaluateAlertsTest {
    private final List<AlertRule> configured = new ArrayList<>();
    private boolean evaluateEarly;
    private KeyedBroadcastOperatorTestHarness<String, Kpi, AlertRule, Alert> harness;
    private int seen;

    @AfterEach
    void close() throws Exception {
        if (harness != null) harness.close();
    }

    /** Created on first use: a test may set {@link #configured} and {@link #evaluateEarly} before. */
    private KeyedBroadcastOperatorTestHarness<String, Kpi, AlertRule, Alert> harness() throws Exception {
        if (harness == null) {
            harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                    new EvaluateAlerts(configured, evaluateEarly), EvaluateAlerts::keyOf, Types.STRING,
                    EvaluateAlerts.RULES);
        }
        return harness;
    }

    /** KPI records to the keyed input (timestamped at their window's end - 1, as the KPI stage writes them), rules to the broadcast one. */
    private void send(Object... records) throws Exception {
        for (Object r : records) {
            if (r instanceof Kpi k) harness().processElement(k, k.windowEnd - 1);
            else if (r instanceof AlertRule rule) harness().processBroadcastElement(rule, rule.ts);
            else throw new IllegalArgumentException("not an input of the alerts stage: " + r);
        }
    }

    /** Advances the watermark of both inputs. */
    private void watermark(long ts) throws Exception {
        harness().watermark(ts);
    }

    /** Final records of the given slots with these clicks, each evaluated (the watermark passes its end). */
    private void slots(int first, long... clicksPerSlot) throws Exception {
        for (int i = 0; i < clicksPerSlot.length; i++) {
            send(clicks(first + i, clicksPerSlot[i]));
            watermark(endOf(first + i));
        }
    }

    /** The alerts written since the previous call. */
    private List<Alert> emitted() throws Exception {
        List<Alert> all = harness().extractOutputValues();
        List<Alert> fresh = new ArrayList<>(all.subList(seen, all.size()));
        seen = all.size();
        return fresh;
    }

    /** Moves the watermark far past {@code slot} and checks that the key left no state and no timer behind. */
    private void assertQuietAfter(int slot) throws Exception {
        watermark(endOf(slot + 1_000));
        assertThat(keyedStateEntries(harness())).as("keyed state entries").isZero();
        assertThat(harness().numEventTimeTimers()).as("event-time timers").isZero();
    }

    private static AlertRule busy(long ts) {
        return rule("busy", ts, "clicks", ">=", 10);
    }

    private static Alert busyAlert(long streakStart, Double value, AlertState state, int slot) {
        return alert("busy", streakStart, "clicks", ">=", value, value == null ? null : 10.0, state, slot);
    }

    // ---- thresholds ----

    @Test
    void aNumericThresholdFiresWhenTheWatermarkPassesTheSlot() throws Exception {
        send(busy(0), clicks(0, 9), clicks(1, 10));
        watermark(endOf(0));
        assertThat(emitted()).as("9 clicks").isEmpty();
        watermark(endOf(1) - 1);
        assertThat(emitted()).as("slot 1 not yet passed by the watermark").isEmpty();

        watermark(endOf(1));

        assertThat(emitted()).containsExactly(busyAlert(1, 10.0, FIRING, 1));
        Alert a = harness().extractOutputValues().get(0);
        assertThat(a.alertId).isEqualTo("busy|CREATOR|c1|60000");
        assertThat(a.windowStart).isEqualTo(60_000);
        assertThat(a.windowEnd).isEqualTo(120_000);
        assertThat(a.ts).as("the end of the slot that caused the change").isEqualTo(120_000);
    }

    @Test
    void anotherMetricOfTheSameRecordIsTheThresholdAndMoneyIsInCurrencyUnits() throws Exception {
        send(versus("cpa-above-margin", 0, "cpa", ">", "marginPerOrder"),
                slot(0, k -> { k.cpaCents = 10_00L; k.marginPerOrderCents = 10_00L; }),
                slot(1, k -> { k.cpaCents = 12_34L; k.marginPerOrderCents = 10_01L; }),
                slot(2, k -> k.cpaCents = 50_00L)); // marginPerOrder null: no threshold, no breach
        watermark(endOf(0));
        assertThat(emitted()).as("equal is not above").isEmpty();
        watermark(endOf(2));

        assertThat(emitted()).containsExactly(
                alert("cpa-above-margin", 1, "cpa", ">", 12.34, 10.01, FIRING, 1),
                alert("cpa-above-margin", 1, "cpa", ">", 50.0, null, RESOLVED, 2));
    }

    @Test
    void aBaselineIsTheFactorTimesTheMeanOfThePreviousSlotsThatHaveARecord() throws Exception {
        send(baseline("spike", 0, "views", ">", 4, 2.0));
        send(slot(0, k -> k.views = 10), slot(1, k -> k.views = 20));
        // slots 2 and 3 have no record; slot 4's baseline is 2 x mean(10, 20) = 30 over 2 of 4 slots
        send(slot(4, k -> k.views = 30));
        watermark(endOf(4));
        assertThat(emitted()).as("30 is not above 30").isEmpty();

        // slot 5: previous slots 1..4 have 20 and 30, so 2 x 25 = 50
        send(slot(5, k -> k.views = 51));
        watermark(endOf(5));

        assertThat(emitted()).containsExactly(alert("spike", 5, "views", ">", 51.0, 50.0, FIRING, 5));
    }

    @Test
    void aBaselineWithFewerThanHalfItsSlotsDoesNotBreach() throws Exception {
        send(baseline("spike", 0, "views", ">", 4, 2.0));
        // slot 3 has one previous slot of 4 (slot 0): fewer than ceil(4/2), however high its views
        send(slot(0, k -> k.views = 10), slot(3, k -> k.views = 1_000_000));
        watermark(endOf(3));
        assertThat(emitted()).isEmpty();

        // slot 4 has two (0 and 3): 2 x mean(10, 1000000) = 1000010
        send(slot(4, k -> k.views = 1_000_011));
        watermark(endOf(4));
        assertThat(emitted()).containsExactly(alert("spike", 4, "views", ">", 1_000_011.0, 1_000_010.0, FIRING, 4));
    }

    @Test
    void aSlotBelowTheMinimumSampleDoesNotBreachAndResolves() throws Exception {
        send(minSample(rule("conv", 0, "conversionRate", "<", 0.1), "clicks", 50),
                slot(0, k -> { k.clicks = 49; k.conversionRate = 0.0; }),
                slot(1, k -> { k.clicks = 50; k.conversionRate = 0.02; }),
                slot(2, k -> { k.clicks = 10; k.conversionRate = 0.0; }));
        watermark(endOf(2));

        assertThat(emitted()).containsExactly(
                alert("conv", 1, "conversionRate", "<", 0.02, 0.1, FIRING, 1),
                alert("conv", 1, "conversionRate", "<", 0.0, 0.1, RESOLVED, 2));
    }

    /**
     * CONTRACT section 8, review-score-drop: avgRating < 3.0 with at least 5 reviews breaches only while the further
     * condition clicks >= 1 holds on the same record; a slot without clicks resolves the alert.
     */
    @Test
    void aSlotWhoseAlsoRequireConditionFailsDoesNotBreachAndResolves() throws Exception {
        send(alsoRequire(minSample(rule("review-score-drop", 0, "avgRating", "<", 3.0), "reviews", 5), "clicks", ">=", 1),
                slot(0, k -> { k.reviews = 5; k.avgRating = 2.0; }), // not promoted: no click
                slot(1, k -> { k.reviews = 5; k.avgRating = 2.0; k.clicks = 3; }),
                slot(2, k -> { k.reviews = 6; k.avgRating = 2.5; k.clicks = 4; }),
                slot(3, k -> { k.reviews = 6; k.avgRating = 2.5; }));
        watermark(endOf(3));

        assertThat(emitted()).containsExactly(
                alert("review-score-drop", 1, "avgRating", "<", 2.0, 3.0, FIRING, 1),
                alert("review-score-drop", 1, "avgRating", "<", 2.5, 3.0, RESOLVED, 3));
    }

    // ---- streaks ----

    @Test
    void forWindowsFiresOnTheThirdBreachingSlotOnceAndResolvesOnce() throws Exception {
        send(with(busy(0), r -> r.forWindows = 3));
        slots(0, 10, 11);
        assertThat(emitted()).as("two breaching slots of three").isEmpty();

        slots(2, 12);
        assertThat(emitted()).as("the alert is named after the first slot of the streak")
                .containsExactly(busyAlert(0, 12.0, FIRING, 2));

        slots(3, 20, 30, 40, 50, 60, 70, 80);
        assertThat(emitted()).as("no repeated FIRING during the streak").isEmpty();

        slots(10, 9, 0);
        assertThat(emitted()).containsExactly(busyAlert(0, 9.0, RESOLVED, 10));
        assertQuietAfter(11);
        assertThat(emitted()).isEmpty();
    }

    @Test
    void aStreakBrokenByANonBreachingOrAnEmptySlotStartsOver() throws Exception {
        send(with(busy(0), r -> r.forWindows = 3));
        slots(0, 10, 10, 9, 10, 10);
        send(clicks(6, 10), clicks(7, 10)); // slot 5 has no record
        watermark(endOf(7));
        assertThat(emitted()).isEmpty();

        slots(8, 10);
        assertThat(emitted()).containsExactly(busyAlert(6, 10.0, FIRING, 8));
    }

    @Test
    void aSlotWithoutARecordResolvesWhenTheWatermarkPassesIt() throws Exception {
        send(busy(0));
        slots(0, 10);
        assertThat(emitted()).containsExactly(busyAlert(0, 10.0, FIRING, 0));

        watermark(endOf(1) - 1);
        assertThat(emitted()).isEmpty();
        watermark(endOf(1));

        assertThat(emitted()).containsExactly(busyAlert(0, null, RESOLVED, 1));
        assertThat(keyedStateEntries(harness())).isZero();
        assertThat(harness().numEventTimeTimers()).isZero();
    }

    @Test
    void aGapOfSeveralEmptySlotsResolvesOnceAtItsFirstSlot() throws Exception {
        send(busy(0));
        slots(0, 10);
        watermark(endOf(9)); // slots 1 to 9 without a record, passed at once

        assertThat(emitted()).containsExactly(busyAlert(0, 10.0, FIRING, 0), busyAlert(0, null, RESOLVED, 1));

        slots(10, 15);
        assertThat(emitted()).containsExactly(busyAlert(10, 15.0, FIRING, 10));
    }

    @Test
    void aStreakDoesNotSpanEmptySlotsPassedAtOnce() throws Exception {
        send(with(busy(0), r -> r.forWindows = 2));
        slots(0, 10);
        send(clicks(4, 10)); // slots 1 to 3 have no record; the watermark jumps past slot 4 at once
        watermark(endOf(4));
        assertThat(emitted()).isEmpty();

        slots(5, 10);
        assertThat(emitted()).containsExactly(busyAlert(4, 10.0, FIRING, 5));
    }

    @Test
    void aFinalRecordSeenTwiceCountsOnce() throws Exception {
        send(with(busy(0), r -> r.forWindows = 2));
        slots(0, 10);
        send(clicks(0, 10));
        watermark(endOf(0) + 1);
        assertThat(emitted()).isEmpty();
    }

    // ---- early firing ----

    @Test
    void anEarlyRuleFiresOnAnOpenWindowOncePerStreak() throws Exception {
        evaluateEarly = true;
        send(with(busy(0), r -> r.early = true));

        send(openClicks(0, 5));
        assertThat(emitted()).isEmpty();
        send(openClicks(0, 12));
        assertThat(emitted()).as("fires at once, without waiting for the watermark")
                .containsExactly(busyAlert(0, 12.0, FIRING, 0));
        send(openClicks(0, 15), clicks(0, 20));
        watermark(endOf(0));
        assertThat(emitted()).as("neither later updates nor the final record fire again").isEmpty();

        send(openClicks(1, 30), clicks(1, 30), openClicks(2, 3));
        watermark(endOf(1));
        assertThat(emitted()).as("still the same streak").isEmpty();

        send(clicks(2, 3));
        watermark(endOf(2));
        assertThat(emitted()).containsExactly(busyAlert(0, 3.0, RESOLVED, 2));
        assertQuietAfter(2);
    }

    @Test
    void anEarlyAlertWhoseFinalRecordDoesNotBreachResolvesOnThatSlot() throws Exception {
        evaluateEarly = true;
        send(with(busy(0), r -> r.early = true), openClicks(0, 12));
        send(clicks(0, 8)); // the last contributions were reversals
        watermark(endOf(0));

        assertThat(emitted()).containsExactly(busyAlert(0, 12.0, FIRING, 0), busyAlert(0, 8.0, RESOLVED, 0));
    }

    @Test
    void anEarlyRuleOfSeveralWindowsFiresOnTheOpenWindowThatCompletesTheStreak() throws Exception {
        evaluateEarly = true;
        send(with(busy(0), r -> { r.early = true; r.forWindows = 2; }), openClicks(0, 12));
        assertThat(emitted()).as("one slot of two").isEmpty();
        slots(0, 12);
        send(openClicks(1, 11));

        assertThat(emitted()).containsExactly(busyAlert(0, 11.0, FIRING, 1));
        slots(1, 11);
        assertThat(emitted()).isEmpty();
    }

    @Test
    void earlyRulesWaitForTheFinalRecordWhenEarlyEvaluationIsOff() throws Exception {
        evaluateEarly = false; // replay
        send(with(busy(0), r -> r.early = true), openClicks(0, 12));
        assertThat(emitted()).isEmpty();

        send(clicks(0, 12));
        watermark(endOf(0));
        assertThat(emitted()).containsExactly(busyAlert(0, 12.0, FIRING, 0));
    }

    @Test
    void aRuleThatIsNotEarlyIgnoresOpenWindows() throws Exception {
        evaluateEarly = true;
        send(busy(0), openClicks(0, 12));
        assertThat(emitted()).isEmpty();
    }

    @Test
    void anEarlyAlertIsNotResolvedByThePreviousSlotDecidedAfterIt() throws Exception {
        // Live, the update of an open window may overtake the watermark that decides the slot before it.
        evaluateEarly = true;
        send(with(busy(0), r -> r.early = true), clicks(0, 3));
        send(openClicks(1, 12));
        assertThat(emitted()).containsExactly(busyAlert(1, 12.0, FIRING, 1));

        watermark(endOf(0)); // slot 0 (3 clicks) is decided now, after slot 1 fired
        send(clicks(1, 15));
        watermark(endOf(1));

        assertThat(emitted()).as("slot 0 neither resolves nor restarts slot 1's alert").isEmpty();
        slots(2, 0);
        assertThat(emitted()).containsExactly(busyAlert(1, 0.0, RESOLVED, 2));
    }

    @Test
    void anEarlyAlertIsNotResolvedByAnEmptySlotBeforeIt() throws Exception {
        evaluateEarly = true;
        // "steady" keeps a streak open, so the key watches for an empty slot after slot 0
        send(with(busy(0), r -> r.early = true), with(rule("steady", 0, "clicks", ">=", 1), r -> r.forWindows = 2));
        slots(0, 3);
        send(openClicks(2, 12)); // slot 1 has no record, and is not decided yet
        assertThat(emitted()).containsExactly(busyAlert(2, 12.0, FIRING, 2));

        watermark(endOf(1));
        slots(2, 12);

        assertThat(emitted()).isEmpty();
    }

    @Test
    void anEarlyAlertOfANewRuleIsNotResolvedByTheSlotBeforeTheRuleApplies() throws Exception {
        evaluateEarly = true;
        send(clicks(1, 3), with(busy(2 * MINUTE), r -> r.early = true), openClicks(2, 12));
        assertThat(emitted()).containsExactly(busyAlert(2, 12.0, FIRING, 2));

        watermark(endOf(1)); // slot 1 is before the rule's ts
        slots(2, 12);

        assertThat(emitted()).isEmpty();
    }

    @Test
    void anEarlyAlertOfANewVersionWaitsUntilTheFiringAlertOfTheOldOneIsResolved() throws Exception {
        evaluateEarly = true;
        send(busy(0));
        slots(0, 20, 20);
        assertThat(emitted()).containsExactly(busyAlert(0, 20.0, FIRING, 0));

        AlertRule stricter = with(rule("busy", 2 * MINUTE, "clicks", ">=", 25), r -> r.early = true);
        send(stricter, openClicks(2, 30));
        send(clicks(2, 30));
        watermark(endOf(2));

        List<Alert> alerts = new ArrayList<>(harness().extractOutputValues());
        assertThat(alerts).as("the old version's alert resolves").contains(busyAlert(0, null, RESOLVED, 2));
        assertThat(alerts.stream().filter(a -> a.state == FIRING).map(a -> a.alertId))
                .containsExactly("busy|CREATOR|c1|0", "busy|CREATOR|c1|120000");
    }

    // ---- rule versions ----

    @Test
    void aNewVersionAppliesFromItsTsAndResolvesTheOldVersionsAlert() throws Exception {
        send(busy(0));
        slots(0, 20);
        send(rule("busy", 2 * MINUTE, "clicks", ">=", 100));
        slots(1, 20);
        assertThat(emitted()).as("slot 1 is still under the first version")
                .containsExactly(busyAlert(0, 20.0, FIRING, 0));

        slots(2, 20);
        assertThat(emitted()).containsExactly(busyAlert(0, null, RESOLVED, 2));

        slots(3, 100);
        assertThat(emitted()).containsExactly(alert("busy", 3, "clicks", ">=", 100.0, 100.0, FIRING, 3));
    }

    @Test
    void aNewVersionStillBreachedResolvesTheOldAlertAndFiresItsOwn() throws Exception {
        send(busy(0));
        slots(0, 20);
        send(rule("busy", MINUTE, "clicks", ">=", 15));
        slots(1, 20);

        assertThat(emitted()).containsExactly(busyAlert(0, 20.0, FIRING, 0), busyAlert(0, null, RESOLVED, 1),
                alert("busy", 1, "clicks", ">=", 20.0, 15.0, FIRING, 1));
    }

    @Test
    void aDisabledVersionResolvesTheFiringAlertAndRemovesTheRule() throws Exception {
        send(busy(0));
        slots(0, 20);
        send(disabled("busy", 2 * MINUTE));
        slots(1, 20);
        assertThat(emitted()).containsExactly(busyAlert(0, 20.0, FIRING, 0));

        slots(2, 20, 20, 20);
        assertThat(emitted()).containsExactly(busyAlert(0, null, RESOLVED, 2));
        assertQuietAfter(4);
    }

    @Test
    void aRuleAppliesToWindowsStartingAtOrAfterItsTsOnly() throws Exception {
        send(rule("at", MINUTE, "clicks", ">=", 10), rule("after", MINUTE + 1, "clicks", ">=", 10));
        slots(0, 20, 20, 20);

        assertThat(emitted()).containsExactly(
                alert("at", 1, "clicks", ">=", 20.0, 10.0, FIRING, 1),
                alert("after", 2, "clicks", ">=", 20.0, 10.0, FIRING, 2));
    }

    @Test
    void aRuleArrivingAfterTheRecordButBeforeTheWatermarkApplies() throws Exception {
        send(clicks(0, 20), busy(0));
        watermark(endOf(0));
        assertThat(emitted()).containsExactly(busyAlert(0, 20.0, FIRING, 0));
    }

    @Test
    void aStreamedVersionReplacesAConfiguredRuleFromItsTs() throws Exception {
        configured.add(busy(0));
        configured.add(rule("quiet", 0, "clicks", "<", 1));
        slots(0, 20);
        send(rule("busy", 2 * MINUTE, "clicks", ">=", 100));
        slots(1, 20, 20);

        assertThat(emitted()).containsExactly(busyAlert(0, 20.0, FIRING, 0), busyAlert(0, null, RESOLVED, 2));
        slots(3, 0);
        assertThat(emitted()).as("the other configured rule is untouched")
                .containsExactly(alert("quiet", 3, "clicks", "<", 0.0, 1.0, FIRING, 3));
    }

    @Test
    void aStreamedVersionWithTheConfiguredTsReplacesItFromTheStart() throws Exception {
        configured.add(busy(0));
        send(rule("busy", 0, "clicks", ">=", 100));
        slots(0, 20);
        assertThat(emitted()).isEmpty();
    }

    @Test
    void rulesOfAnotherDimensionOrWindowAreNotEvaluated() throws Exception {
        send(with(busy(0), r -> r.dimension = "PRODUCT"), with(rule("hourly", 0, "clicks", ">=", 10), r -> r.windowMs = 60 * MINUTE));
        slots(0, 20);
        assertThat(emitted()).isEmpty();
    }

    @Test
    void eachKeyHasItsOwnStreak() throws Exception {
        send(with(busy(0), r -> r.forWindows = 2));
        send(clicks(0, 20), record("CREATOR", "c2", 0, MINUTE, true));
        Kpi c2 = record("CREATOR", "c2", MINUTE, MINUTE, true);
        c2.clicks = 20;
        send(clicks(1, 20), c2);
        watermark(endOf(1));

        assertThat(emitted()).containsExactly(busyAlert(0, 20.0, FIRING, 1));
    }

    // ---- state ----

    @Test
    void aQuietKeyKeepsItsBaselineHistoryAsLongAsItCanMatterThenNothing() throws Exception {
        send(baseline("spike", 0, "views", ">", 4, 2.0));
        send(slot(0, k -> k.views = 10), slot(1, k -> k.views = 10));
        watermark(endOf(3)); // slots 2 and 3 without a record
        assertThat(keyedStateEntries(harness())).as("slots 0 and 1 count for slots up to 5").isPositive();

        send(slot(4, k -> k.views = 21)); // 2 x mean(10, 10)
        watermark(endOf(4));
        assertThat(emitted()).containsExactly(alert("spike", 4, "views", ">", 21.0, 20.0, FIRING, 4));
        watermark(endOf(5));
        assertThat(emitted()).containsExactly(alert("spike", 4, "views", ">", null, null, RESOLVED, 5));

        watermark(endOf(7));
        assertThat(keyedStateEntries(harness())).as("slot 4 counts for slot 8").isPositive();
        assertQuietAfter(8);
    }

    /**
     * Current behaviour, short of the contract's letter: a key keeps history only while some rule looks at its
     * dimension and window size, and only as deep as the baseline rules known at the time need; so a baseline rule
     * that arrives later warms up over ceil(N/2) slots of its own instead of averaging the slots before it (here the
     * contract would give 2 x mean(10, 10, 10, 10) = 20 at slot 4).
     */
    @Test
    void aBaselineRuleArrivingAfterTheKeysHistoryWasDroppedWarmsUpFirst() throws Exception {
        send(slot(0, k -> k.views = 10), slot(1, k -> k.views = 10), slot(2, k -> k.views = 10),
                slot(3, k -> k.views = 10));
        watermark(endOf(3));
        send(baseline("spike", 4 * MINUTE, "views", ">", 4, 2.0), slot(4, k -> k.views = 21));
        watermark(endOf(4));
        assertThat(emitted()).isEmpty();

        send(slot(5, k -> k.views = 31)); // only slot 4 known: fewer than ceil(4/2) slots, not breaching
        watermark(endOf(5));
        assertThat(emitted()).isEmpty();
        send(slot(6, k -> k.views = 53)); // slots 4 and 5: 2 x mean(21, 31) = 52
        watermark(endOf(6));
        assertThat(emitted()).extracting(a -> a.state).containsExactly(FIRING);
    }

    @Test
    void aKeyWithoutAnyRuleLeavesNothingBehind() throws Exception {
        slots(0, 20, 20);
        assertThat(emitted()).isEmpty();
        assertQuietAfter(1);
    }
}
