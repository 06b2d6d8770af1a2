package io.tally.alert;

import io.tally.event.AlertRule;
import io.tally.kpi.Kpi;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

import static io.tally.alert.AlertFixtures.MINUTE;
import static io.tally.alert.AlertFixtures.alert;
import static io.tally.alert.AlertFixtures.baseline;
import static io.tally.alert.AlertFixtures.clicks;
import static io.tally.alert.AlertFixtures.endOf;
import static io.tally.alert.AlertFixtures.rule;
import static io.tally.alert.AlertFixtures.slot;
import static io.tally.alert.AlertFixtures.with;
import static io.tally.alert.AlertState.FIRING;
import static io.tally.alert.AlertState.RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link KeySlots} against CONTRACT section 5 on CREATOR c1 over one-minute windows, without Flink: the order in which
 * slots are decided, slots without a record, and how long the final records of a key are kept for baselines. Each
 * test builds the slots as one timer call of {@link EvaluateAlerts} would from its state.
 */
class KeySlotsTest {
    private static final AlertKey C1 = new AlertKey("CREATOR", "c1", MINUTE);

    private final List<AlertRule> rules = new ArrayList<>();
    private final List<Alert> out = new ArrayList<>();

    private static AlertRule busy() {
        return rule("busy", 0, "clicks", ">=", 10);
    }

    private static Alert busyAlert(long streakStart, Double value, AlertState state, int slot) {
        return alert("busy", streakStart, "clicks", ">=", value, value == null ? null : 10.0, state, slot);
    }

    /** The slots of c1 as stored: these streaks, these final records kept, {@code lastSlot} decided last. */
    private KeySlots slots(Map<String, RuleStreak> streaks, List<Kpi> previousFinals, Long lastSlot) {
        return new KeySlots(new AlertStreaks(C1, streaks, out::add), RuleBook.merge(rules, List.of()), previousFinals,
                lastSlot);
    }

    private KeySlots fresh() {
        return slots(new HashMap<>(), null, null);
    }

    private static TreeMap<Long, Kpi> finals(Kpi... records) {
        TreeMap<Long, Kpi> bySlot = new TreeMap<>();
        for (Kpi k : records) bySlot.put(k.windowStart, k);
        return bySlot;
    }

    @Test
    void finalRecordsAreDecidedInSlotOrder() {
        rules.add(with(busy(), r -> r.forWindows = 2));
        KeySlots slots = fresh();

        slots.decide(finals(clicks(1, 10), clicks(0, 10)));

        assertThat(out).containsExactly(busyAlert(0, 10.0, FIRING, 1));
        assertThat(slots.last()).isEqualTo(MINUTE);
    }

    @Test
    void aSlotDecidedAlreadyIsNotDecidedAgain() {
        rules.add(busy());
        KeySlots slots = slots(new HashMap<>(), List.of(clicks(0, 3)), 0L);

        slots.decide(finals(clicks(0, 10)));

        assertThat(out).isEmpty();
        assertThat(slots.historyChanged()).isFalse();
    }

    @Test
    void aGapBeforeARecordEndsTheStreakOnceAtItsFirstSlot() {
        rules.add(busy());
        KeySlots slots = fresh();
        slots.decide(finals(clicks(0, 10)));

        slots.decide(finals(clicks(4, 10)));

        assertThat(out).containsExactly(busyAlert(0, 10.0, FIRING, 0), busyAlert(0, null, RESOLVED, 1),
                busyAlert(4, 10.0, FIRING, 4));
    }

    @Test
    void theSlotAfterTheLastIsDecidedWithoutARecordOnceTheWatermarkPassesItsEnd() {
        rules.add(busy());
        KeySlots slots = fresh();
        slots.decide(finals(clicks(0, 10)));

        slots.decideMissingNext(endOf(1) - 1, List.of());
        assertThat(slots.last()).as("slot 1 has not ended").isZero();

        slots.decideMissingNext(endOf(1), List.of());
        assertThat(out).containsExactly(busyAlert(0, 10.0, FIRING, 0), busyAlert(0, null, RESOLVED, 1));
        assertThat(slots.last()).isEqualTo(MINUTE);
    }

    @Test
    void theSlotAfterTheLastWaitsForItsPendingFinalRecord() {
        rules.add(busy());
        KeySlots slots = fresh();
        slots.decide(finals(clicks(0, 10)));

        slots.decideMissingNext(endOf(1), List.of(clicks(1, 10)));

        assertThat(out).containsExactly(busyAlert(0, 10.0, FIRING, 0));
        assertThat(slots.last()).isZero();
    }

    @Test
    void aKeyThatNoRuleWatchesDecidesNothingAndKeepsNoHistory() {
        rules.add(with(busy(), r -> r.dimension = "PRODUCT"));
        KeySlots slots = fresh();

        slots.decide(finals(clicks(0, 10)));

        assertThat(slots.last()).isNull();
        assertThat(slots.isEmpty()).isTrue();
    }

    @Test
    void finalRecordsAreKeptAsDeepAsTheDeepestBaselineReaches() {
        rules.add(baseline("spike", 0, "views", ">", 2, 2.0));
        KeySlots slots = fresh();
        slots.decide(finals(slot(0, k -> k.views = 10), slot(1, k -> k.views = 20)));

        slots.forgetUnreachable(endOf(2));
        assertThat(slots.history()).as("slot 3 reaches back to slots 1 and 2").extracting(k -> k.views)
                .containsExactly(20L);
        assertThat(slots.historyChanged()).isTrue();

        slots.forgetUnreachable(endOf(3));
        assertThat(slots.history()).isEmpty();
        assertThat(slots.isEmpty()).isTrue();
    }

    @Test
    void aKeyWithAnOpenStreakLooksAgainAtTheEndOfTheSlotAfterTheLast() {
        rules.add(with(busy(), r -> r.forWindows = 2));
        KeySlots slots = fresh();
        slots.decide(finals(clicks(0, 10)));

        assertThat(slots.nextCheck(endOf(0))).isEqualTo(OptionalLong.of(endOf(1)));
    }

    @Test
    void anIdleKeyLooksAgainOnlyToForgetHistoryABaselineCanStillReach() {
        rules.add(baseline("spike", 0, "views", ">", 2, 2.0));
        KeySlots slots = fresh();
        slots.decide(finals(slot(0, k -> k.views = 10)));

        assertThat(slots.nextCheck(endOf(0))).as("slot 0 counts for slots 1 and 2")
                .isEqualTo(OptionalLong.of(endOf(2)));
        assertThat(slots.nextCheck(endOf(2))).isEmpty();
    }
}
