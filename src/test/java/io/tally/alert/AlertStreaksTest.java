package io.tally.alert;

import io.tally.event.AlertRule;
import io.tally.kpi.Kpi;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.tally.alert.AlertFixtures.MINUTE;
import static io.tally.alert.AlertFixtures.alert;
import static io.tally.alert.AlertFixtures.baseline;
import static io.tally.alert.AlertFixtures.clicks;
import static io.tally.alert.AlertFixtures.openClicks;
import static io.tally.alert.AlertFixtures.rule;
import static io.tally.alert.AlertFixtures.slot;
import static io.tally.alert.AlertFixtures.with;
import static io.tally.alert.AlertState.FIRING;
import static io.tally.alert.AlertState.RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AlertStreaks} against CONTRACT section 5, slot by slot on CREATOR c1 over one-minute windows, without Flink:
 * the caller says which slot is decided, with which record and which rules in force. Most tests watch
 * {@code clicks >= 10} ("busy").
 */
class AlertStreaksTest {
    private final Map<String, RuleStreak> byRule = new HashMap<>();
    private final List<Alert> out = new ArrayList<>();
    private final AlertStreaks streaks = new AlertStreaks(new AlertKey("CREATOR", "c1", MINUTE), byRule, out::add);
    /** Final records of the slots decided, by windowStart, for baselines. */
    private final Map<Long, Kpi> history = new HashMap<>();
    private int seen;

    private static AlertRule busy(long ts) {
        return rule("busy", ts, "clicks", ">=", 10);
    }

    private static Alert busyAlert(long streakStart, Double value, AlertState state, int slot) {
        return alert("busy", streakStart, "clicks", ">=", value, value == null ? null : 10.0, state, slot);
    }

    private static Map<String, AlertRule> inForce(AlertRule... rules) {
        Map<String, AlertRule> byId = new HashMap<>();
        for (AlertRule r : rules) byId.put(r.ruleId, r);
        return byId;
    }

    /** Decides the slot of {@code record} under {@code rules}, then keeps the record for later baselines. */
    private void decide(Kpi record, AlertRule... rules) {
        streaks.decide(record.windowStart, record, inForce(rules), history::get);
        history.put(record.windowStart, record);
    }

    /** Decides slot number {@code slot} as one without a final record. */
    private void decideWithoutRecord(int slot, AlertRule... rules) {
        streaks.decide(slot * MINUTE, null, inForce(rules), history::get);
    }

    /** The alerts written since the previous call. */
    private List<Alert> emitted() {
        List<Alert> fresh = new ArrayList<>(out.subList(seen, out.size()));
        seen = out.size();
        return fresh;
    }

    // ---- streaks ----

    @Test
    void aStreakOfForWindowsBreachingSlotsFiresOnce() {
        AlertRule rule = with(busy(0), r -> r.forWindows = 3);
        decide(clicks(0, 10), rule);
        decide(clicks(1, 11), rule);
        assertThat(emitted()).as("two breaching slots of three").isEmpty();

        decide(clicks(2, 12), rule);
        assertThat(emitted()).containsExactly(busyAlert(0, 12.0, FIRING, 2));

        decide(clicks(3, 13), rule);
        decide(clicks(4, 14), rule);
        assertThat(emitted()).as("no repeated FIRING during the streak").isEmpty();
    }

    @Test
    void theAlertIsNamedAfterTheFirstSlotOfTheStreakAndStampedWithTheSlotThatFiredIt() {
        AlertRule rule = with(busy(0), r -> r.forWindows = 2);
        decide(clicks(4, 10), rule);
        decide(clicks(5, 10), rule);

        Alert firing = emitted().get(0);
        assertThat(firing.alertId).isEqualTo("busy|CREATOR|c1|" + 4 * MINUTE);
        assertThat(firing.windowStart).isEqualTo(5 * MINUTE);
        assertThat(firing.windowEnd).isEqualTo(6 * MINUTE);
        assertThat(firing.ts).isEqualTo(6 * MINUTE);
    }

    @Test
    void theFirstLaterSlotThatDoesNotBreachResolvesOnce() {
        decide(clicks(0, 10), busy(0));
        decide(clicks(1, 9), busy(0));
        decide(clicks(2, 0), busy(0));

        assertThat(emitted()).containsExactly(busyAlert(0, 10.0, FIRING, 0), busyAlert(0, 9.0, RESOLVED, 1));
    }

    @Test
    void aSlotWithoutARecordDoesNotBreachAndResolvesWithoutValues() {
        decide(clicks(0, 10), busy(0));
        decideWithoutRecord(1, busy(0));

        assertThat(emitted()).containsExactly(busyAlert(0, 10.0, FIRING, 0), busyAlert(0, null, RESOLVED, 1));
    }

    @Test
    void aNonBreachingSlotStartsTheStreakOver() {
        AlertRule rule = with(busy(0), r -> r.forWindows = 2);
        decide(clicks(0, 10), rule);
        decide(clicks(1, 9), rule);
        decide(clicks(2, 10), rule);
        assertThat(emitted()).isEmpty();

        decide(clicks(3, 10), rule);
        assertThat(emitted()).containsExactly(busyAlert(2, 10.0, FIRING, 3));
    }

    @Test
    void aSlotBelowTheMinimumSampleDoesNotBreach() {
        AlertRule rule = AlertFixtures.minSample(busy(0), "views", 5);
        decide(slot(0, k -> { k.clicks = 10; k.views = 4; }), rule);
        assertThat(emitted()).isEmpty();

        decide(slot(1, k -> { k.clicks = 10; k.views = 5; }), rule);
        assertThat(emitted()).containsExactly(busyAlert(1, 10.0, FIRING, 1));
    }

    @Test
    void aBaselineIsReadFromTheHistoryOfPreviousSlots() {
        AlertRule spike = baseline("spike", 0, "views", ">", 2, 2.0);
        decide(slot(0, k -> k.views = 10), spike);
        decide(slot(1, k -> k.views = 20), spike);
        decide(slot(2, k -> k.views = 31), spike);

        assertThat(emitted()).containsExactly(alert("spike", 2, "views", ">", 31.0, 30.0, FIRING, 2));
    }

    @Test
    void onlyRulesWithAStreakOrAFiringAlertAreKept() {
        decide(clicks(0, 9), busy(0));
        assertThat(byRule).isEmpty();
        assertThat(streaks.isIdle()).isTrue();

        decide(clicks(1, 10), busy(0));
        assertThat(byRule).containsOnlyKeys("busy");

        decide(clicks(2, 9), busy(0));
        assertThat(byRule).as("resolved: idle again").isEmpty();
    }

    // ---- rule versions ----

    @Test
    void aRuleNoLongerInForceResolvesItsFiringAlert() {
        decide(clicks(0, 10), busy(0));
        decide(clicks(1, 10) /* the rule was disabled from slot 1 */);

        assertThat(emitted()).containsExactly(busyAlert(0, 10.0, FIRING, 0), busyAlert(0, null, RESOLVED, 1));
        assertThat(byRule).isEmpty();
    }

    @Test
    void aNewVersionResolvesTheOldVersionsAlertAndStartsTheStreakOver() {
        decide(clicks(0, 20), busy(0));
        AlertRule stricter = with(rule("busy", MINUTE, "clicks", ">=", 15), r -> r.forWindows = 2);
        decide(clicks(1, 20), stricter);
        assertThat(emitted()).containsExactly(busyAlert(0, 20.0, FIRING, 0), busyAlert(0, null, RESOLVED, 1));

        decide(clicks(2, 20), stricter);
        assertThat(emitted()).containsExactly(alert("busy", 1, "clicks", ">=", 20.0, 15.0, FIRING, 2));
    }

    // ---- early firing ----

    @Test
    void anEarlyRuleFiresOnAnOpenWindowThatCompletesTheStreak() {
        AlertRule rule = with(busy(0), r -> { r.early = true; r.forWindows = 2; });
        decide(clicks(0, 12), rule);

        assertThat(streaks.fireEarly(openClicks(1, 11), inForce(rule), 0L, history::get)).isTrue();
        assertThat(emitted()).containsExactly(busyAlert(0, 11.0, FIRING, 1));
    }

    @Test
    void anEarlyStreakContinuesOnlyIntoTheSlotAfterTheLastOneDecided() {
        AlertRule rule = with(busy(0), r -> { r.early = true; r.forWindows = 2; });
        decide(clicks(0, 12), rule);

        assertThat(streaks.fireEarly(openClicks(2, 11), inForce(rule), 0L, history::get))
                .as("slot 1 is not decided yet").isFalse();
        assertThat(emitted()).isEmpty();
    }

    @Test
    void anEarlyAlertFiresOncePerStreak() {
        AlertRule rule = with(busy(0), r -> r.early = true);
        assertThat(streaks.fireEarly(openClicks(0, 12), inForce(rule), null, history::get)).isTrue();
        assertThat(streaks.fireEarly(openClicks(0, 15), inForce(rule), null, history::get)).isFalse();
        decide(clicks(0, 20), rule);

        assertThat(emitted()).containsExactly(busyAlert(0, 12.0, FIRING, 0));
    }

    @Test
    void aRuleThatIsNotEarlyDoesNotFireOnAnOpenWindow() {
        assertThat(AlertStreaks.anyEarly(inForce(busy(0)))).isFalse();
        assertThat(streaks.fireEarly(openClicks(0, 12), inForce(busy(0)), null, history::get)).isFalse();
        assertThat(emitted()).isEmpty();
    }

    @Test
    void anEarlyAlertIsNotResolvedByEarlierSlotsDecidedAfterIt() {
        AlertRule rule = with(busy(0), r -> r.early = true);
        streaks.fireEarly(openClicks(2, 12), inForce(rule), null, history::get);
        decide(clicks(0, 3), rule); // decided after slot 2 fired, as the watermark may come after an open window
        decideWithoutRecord(1, rule);
        assertThat(emitted()).containsExactly(busyAlert(2, 12.0, FIRING, 2));

        decide(clicks(2, 15), rule);
        decide(clicks(3, 0), rule);
        assertThat(emitted()).containsExactly(busyAlert(2, 0.0, RESOLVED, 3));
    }

    @Test
    void anEarlyRuleLeavesTheFiringAlertOfItsPreviousVersionToTheFinalRecord() {
        decide(clicks(0, 20), busy(0));
        AlertRule stricter = with(rule("busy", MINUTE, "clicks", ">=", 25), r -> r.early = true);

        assertThat(streaks.fireEarly(openClicks(1, 30), inForce(stricter), 0L, history::get)).isFalse();
        decide(clicks(1, 30), stricter);
        assertThat(emitted()).containsExactly(busyAlert(0, 20.0, FIRING, 0), busyAlert(0, null, RESOLVED, 1),
                alert("busy", 1, "clicks", ">=", 30.0, 25.0, FIRING, 1));
    }
}
