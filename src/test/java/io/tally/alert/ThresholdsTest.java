package io.tally.alert;

import io.tally.event.AlertRule;
import io.tally.event.Op;
import io.tally.kpi.Kpi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static io.tally.alert.AlertFixtures.alsoRequire;
import static io.tally.alert.AlertFixtures.baseline;
import static io.tally.alert.AlertFixtures.minSample;
import static io.tally.alert.AlertFixtures.rule;
import static io.tally.alert.AlertFixtures.slot;
import static io.tally.alert.AlertFixtures.versus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * {@link Thresholds} against CONTRACT section 5: the three threshold forms, the minimum sample and the operators; and
 * section 8: the further condition {@code alsoRequire} on the same record.
 */
class ThresholdsTest {
    /** Final records of earlier slots, by windowStart, as EvaluateAlerts keeps them. */
    private final Map<Long, Kpi> history = new HashMap<>();

    private void previous(Kpi... records) {
        for (Kpi k : records) history.put(k.windowStart, k);
    }

    // ---- threshold forms ----

    @Test
    void aNumberIsTheThresholdWhateverTheRecord() {
        assertThat(Thresholds.threshold(rule("r", 0, "clicks", ">", 12.5), slot(3), history)).isEqualTo(12.5);
    }

    @Test
    void anotherMetricOfTheSameRecordIsReadInCurrencyUnits() {
        Kpi record = slot(3, k -> {
            k.cpaCents = 12_50L;
            k.marginPerOrderCents = 9_99L;
        });
        AlertRule rule = versus("r", 0, "cpa", ">", "marginPerOrder");

        assertThat(Thresholds.threshold(rule, record, history)).isEqualTo(9.99);
        assertThat(Thresholds.holds(12.5, rule.operator(), Thresholds.threshold(rule, record, history))).isTrue();
    }

    @Test
    void anotherMetricThatIsNullGivesNoThreshold() {
        Kpi record = slot(3, k -> k.cpaCents = 12_50L); // marginPerOrder null: no attributed order
        assertThat(Thresholds.threshold(versus("r", 0, "cpa", ">", "marginPerOrder"), record, history)).isNull();
    }

    @Test
    void aBaselineIsTheFactorTimesTheMeanOfThePreviousSlots() {
        previous(slot(6, k -> k.views = 10), slot(7, k -> k.views = 20), slot(8, k -> k.views = 60));
        assertThat(Thresholds.threshold(baseline("r", 0, "views", ">", 3, 2.0), slot(9), history)).isEqualTo(60.0);
    }

    @Test
    void aBaselineNeedsAtLeastHalfItsSlotsRoundedUp() {
        // 4 slots: ceil(4/2) = 2 previous slots with a record are enough, 1 is not.
        previous(slot(5, k -> k.views = 10), slot(8, k -> k.views = 30));
        assertThat(Thresholds.threshold(baseline("r", 0, "views", ">", 4, 1.5), slot(9), history)).isEqualTo(30.0);
        history.remove(5 * AlertFixtures.MINUTE);
        assertThat(Thresholds.threshold(baseline("r", 0, "views", ">", 4, 1.5), slot(9), history)).isNull();

        // 5 slots: ceil(5/2) = 3.
        previous(slot(4, k -> k.views = 10), slot(6, k -> k.views = 20));
        assertThat(Thresholds.threshold(baseline("r", 0, "views", ">", 5, 1.0), slot(9), history)).isEqualTo(20.0);
        history.remove(4 * AlertFixtures.MINUTE);
        assertThat(Thresholds.threshold(baseline("r", 0, "views", ">", 5, 1.0), slot(9), history)).isNull();
    }

    @Test
    void aBaselineOfOneSlotNeedsThatSlot() {
        assertThat(Thresholds.threshold(baseline("r", 0, "views", ">", 1, 2.0), slot(9), history)).isNull();
        previous(slot(8, k -> k.views = 7));
        assertThat(Thresholds.threshold(baseline("r", 0, "views", ">", 1, 2.0), slot(9), history)).isEqualTo(14.0);
    }

    @Test
    void slotsWithANullValueAreNotCountedInTheBaseline() {
        // conversionRate is null where a slot had no click: such a slot neither counts towards ceil(N/2) nor
        // pulls the mean towards 0.
        previous(slot(6, k -> k.conversionRate = 0.2), slot(7), slot(8, k -> k.conversionRate = 0.4));
        AlertRule rule = baseline("r", 0, "conversionRate", "<", 4, 0.5);
        assertThat(Thresholds.threshold(rule, slot(9), history)).isEqualTo(0.5 * 0.3, offset(1e-12));

        history.remove(6 * AlertFixtures.MINUTE);
        assertThat(Thresholds.threshold(rule, slot(9), history)).as("one non-null slot of 4").isNull();
    }

    @Test
    void onlyTheNPreviousSlotsCountNotOlderOnesNorTheSlotItself() {
        previous(slot(2, k -> k.views = 1000), slot(9, k -> k.views = 1000), // older than 3 slots; the slot itself
                slot(7, k -> k.views = 10), slot(8, k -> k.views = 20));
        assertThat(Thresholds.threshold(baseline("r", 0, "views", ">", 3, 1.0), slot(9), history)).isEqualTo(15.0);
    }

    @Test
    void aBaselineOfMoneyIsInCurrencyUnits() {
        previous(slot(7, k -> k.gmvCents = 100_00), slot(8, k -> k.gmvCents = 50_50));
        assertThat(Thresholds.threshold(baseline("r", 0, "gmv", ">", 2, 1.0), slot(9), history)).isEqualTo(75.25);
    }

    // ---- minimum sample ----

    @Test
    void withoutAMinimumSampleEverySlotQualifies() {
        assertThat(Thresholds.sampleMet(rule("r", 0, "clicks", ">", 1), slot(0))).isTrue();
    }

    @Test
    void theMinimumSampleIsMetFromItsValueOn() {
        AlertRule rule = minSample(rule("r", 0, "conversionRate", "<", 0.1), "clicks", 50);
        assertThat(Thresholds.sampleMet(rule, slot(0, k -> k.clicks = 49))).isFalse();
        assertThat(Thresholds.sampleMet(rule, slot(0, k -> k.clicks = 50))).isTrue();
        assertThat(Thresholds.sampleMet(rule, slot(0, k -> k.clicks = 51))).isTrue();
    }

    @Test
    void aMinimumSampleOnANullMetricIsNotMet() {
        AlertRule rule = minSample(rule("r", 0, "clicks", ">", 1), "conversionRate", 0.0);
        assertThat(Thresholds.sampleMet(rule, slot(0))).isFalse();
        assertThat(Thresholds.sampleMet(rule, slot(0, k -> k.conversionRate = 0.0))).isTrue();
    }

    @Test
    void aMinimumSampleOfMoneyIsInCurrencyUnits() {
        AlertRule rule = minSample(rule("r", 0, "cpa", ">", 1), "gmv", 100);
        assertThat(Thresholds.sampleMet(rule, slot(0, k -> k.gmvCents = 99_99))).isFalse();
        assertThat(Thresholds.sampleMet(rule, slot(0, k -> k.gmvCents = 100_00))).isTrue();
    }

    // ---- alsoRequire (CONTRACT section 8) ----

    /** review-score-drop: avgRating < 3.0 with at least 5 reviews, while the product is clicked (clicks >= 1). */
    private static AlertRule reviewScoreDrop() {
        return alsoRequire(minSample(rule("review-score-drop", 0, "avgRating", "<", 3.0), "reviews", 5), "clicks", ">=", 1);
    }

    @Test
    void withoutAnAlsoRequireConditionEverySlotQualifies() {
        assertThat(Thresholds.alsoRequired(rule("r", 0, "clicks", ">", 1), slot(0))).isTrue();
    }

    @Test
    void aSlotBreachesOnlyWhenItsAlsoRequireConditionHolds() {
        AlertRule rule = reviewScoreDrop();
        Kpi unpromoted = slot(0, k -> { k.reviews = 6; k.avgRating = 2.5; });
        Kpi promoted = slot(0, k -> { k.reviews = 6; k.avgRating = 2.5; k.clicks = 1; });

        assertThat(Thresholds.alsoRequired(rule, unpromoted)).as("0 clicks").isFalse();
        assertThat(Thresholds.breaches(rule, unpromoted, 2.5, 3.0)).as("0 clicks").isFalse();
        assertThat(Thresholds.alsoRequired(rule, promoted)).as("1 click").isTrue();
        assertThat(Thresholds.breaches(rule, promoted, 2.5, 3.0)).as("1 click").isTrue();
    }

    @Test
    void theAlsoRequireConditionDoesNotReplaceTheOthers() {
        AlertRule rule = reviewScoreDrop();
        assertThat(Thresholds.breaches(rule, slot(0, k -> { k.reviews = 4; k.avgRating = 2.5; k.clicks = 9; }), 2.5, 3.0))
                .as("below the minimum sample").isFalse();
        assertThat(Thresholds.breaches(rule, slot(0, k -> { k.reviews = 6; k.avgRating = 3.0; k.clicks = 9; }), 3.0, 3.0))
                .as("3.0 is not below 3.0").isFalse();
        assertThat(Thresholds.breaches(rule, slot(0, k -> { k.reviews = 6; k.avgRating = 2.5; k.clicks = 9; }), null, 3.0))
                .as("no value").isFalse();
    }

    @ParameterizedTest(name = "{0} {1} 1.0 is {2}")
    @CsvSource({
            "0.0, >=, false", "1.0, >=, true", "1.0, >, false", "2.0, >, true",
            "1.0, <, false", "0.0, <, true", "1.0, <=, true", "2.0, <=, false"})
    void theAlsoRequireConditionUsesItsOwnOperator(double rate, String op, boolean holds) {
        AlertRule rule = alsoRequire(rule("r", 0, "clicks", ">", 1), "ctr", op, 1.0);
        assertThat(Thresholds.alsoRequired(rule, slot(0, k -> k.ctr = rate))).isEqualTo(holds);
    }

    @Test
    void anAlsoRequireMetricThatIsNullDoesNotBreach() {
        // negativeReviewRate is null where there is no review: null <= 0.5 does not hold, nor does null > 0.5.
        AlertRule atMost = alsoRequire(rule("r", 0, "clicks", ">", 1), "negativeReviewRate", "<=", 0.5);
        AlertRule above = alsoRequire(rule("r", 0, "clicks", ">", 1), "negativeReviewRate", ">", 0.5);
        Kpi noReview = slot(0, k -> k.clicks = 10);

        assertThat(Thresholds.alsoRequired(atMost, noReview)).isFalse();
        assertThat(Thresholds.alsoRequired(above, noReview)).isFalse();
        assertThat(Thresholds.breaches(atMost, noReview, 10.0, 1.0)).isFalse();
        assertThat(Thresholds.alsoRequired(atMost, slot(0, k -> k.negativeReviewRate = 0.5))).isTrue();
    }

    @Test
    void anAlsoRequireConditionOnMoneyIsInCurrencyUnits() {
        AlertRule rule = alsoRequire(rule("r", 0, "clicks", ">", 1), "gmv", ">=", 100);
        assertThat(Thresholds.alsoRequired(rule, slot(0, k -> k.gmvCents = 99_99))).isFalse();
        assertThat(Thresholds.alsoRequired(rule, slot(0, k -> k.gmvCents = 100_00))).isTrue();
    }

    // ---- operators ----

    @ParameterizedTest(name = "{0} {1} {2} is {3}")
    @CsvSource({
            "1.0, >, 1.0, false", "1.5, >, 1.0, true", "0.5, >, 1.0, false",
            "1.0, >=, 1.0, true", "1.5, >=, 1.0, true", "0.5, >=, 1.0, false",
            "1.0, <, 1.0, false", "1.5, <, 1.0, false", "0.5, <, 1.0, true",
            "1.0, <=, 1.0, true", "1.5, <=, 1.0, false", "0.5, <=, 1.0, true",
            "-2.0, <=, 0.0, true", "0.0, <=, 0.0, true"})
    void operators(double value, String op, double threshold, boolean holds) {
        assertThat(Thresholds.holds(value, Op.of(op), threshold)).isEqualTo(holds);
    }

    @ParameterizedTest(name = "{0} with a null never holds")
    @CsvSource({">", ">=", "<", "<="})
    void aNullValueOrThresholdNeverHolds(String op) {
        assertThat(Thresholds.holds(null, Op.of(op), 1.0)).isFalse();
        assertThat(Thresholds.holds(1.0, Op.of(op), null)).isFalse();
        assertThat(Thresholds.holds(null, Op.of(op), null)).isFalse();
    }
}
