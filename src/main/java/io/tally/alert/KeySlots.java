package io.tally.alert;

import io.tally.kpi.Kpi;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One key's window slots, decided in order as the watermark passes them (CONTRACT section 5): each slot once, a slot
 * without a final record as not breaching; and the final records of the slots decided, kept as long as a baseline
 * can reach back to them.
 */
final class KeySlots {
    private final AlertStreaks streaks;
    private final RuleBook rules;
    private final AlertKey key;
    /** The final records of the slots decided, as deep as the deepest baseline, by windowStart. */
    private final TreeMap<Long, Kpi> history = new TreeMap<>();
    /** windowStart of the last slot decided; null: none yet. */
    private Long last;
    private boolean historyChanged;

    /**
     * @param previousFinals the final records kept from earlier calls (null: none)
     * @param lastSlot       windowStart of the last slot decided in earlier calls (null: none)
     */
    KeySlots(AlertStreaks streaks, RuleBook rules, List<Kpi> previousFinals, Long lastSlot) {
        this.streaks = streaks;
        this.rules = rules;
        this.key = streaks.key();
        if (previousFinals != null) for (Kpi k : previousFinals) history.put(k.windowStart, k);
        this.last = lastSlot;
    }

    /**
     * Decides the slots of these final records (by windowStart) in order, skipping those decided already; a slot
     * missing between the last one decided and a record is decided without a record (of a gap of several slots only
     * the first: it ends every streak it decides, so the others would change nothing). Keeps no history for a key
     * that no rule watches.
     */
    void decide(SortedMap<Long, Kpi> finals) {
        if (!rules.anyRuleFor(key)) return;
        for (Kpi record : finals.values()) {
            long slot = record.windowStart;
            if (last != null && slot <= last) continue;
            if (last != null && slot > last + key.windowSize()) decideWithoutRecord(last + key.windowSize());
            streaks.decide(slot, record, rules.inForce(key, slot), history::get);
            history.put(slot, record);
            historyChanged = true;
            last = slot;
        }
    }

    /**
     * Decides the slot after the last one decided as without a record when the watermark ({@code time}) has passed
     * its end and no final record of it is pending.
     */
    void decideMissingNext(long time, List<Kpi> pending) {
        if (last == null) return;
        long next = last + key.windowSize();
        boolean nextPending = pending.stream().anyMatch(k -> k.windowStart == next);
        if (time >= next + key.windowSize() - 1 && !nextPending) {
            decideWithoutRecord(next);
            last = next;
        }
    }

    private void decideWithoutRecord(long slotStart) {
        streaks.decide(slotStart, null, rules.inForce(key, slotStart), history::get);
    }

    /** Drops the final records no baseline of a slot still to decide (starting after {@code time + 1 - size}) reaches. */
    void forgetUnreachable(long time) {
        long dropUpTo = time + 1 - baselineReach();
        historyChanged |= history.headMap(dropUpTo, true).keySet().removeIf(slot -> true);
    }

    /** How far back from a slot's start the deepest baseline reaches, the slot included, in ms. */
    private long baselineReach() {
        return (long) (rules.deepestBaseline(key) + 1) * key.windowSize();
    }

    /**
     * When the key needs looking at again, after {@code time}: while a streak is open, at the end of the slot after
     * the last one decided, to notice it if it has no record; otherwise once no baseline can reach the newest history
     * (if it ever could). Final records still pending have timers of their own.
     */
    OptionalLong nextCheck(long time) {
        if (!streaks.isIdle()) return OptionalLong.of(last + 2 * key.windowSize() - 1);
        long forgetAt = last + baselineReach() - 1;
        return forgetAt > time ? OptionalLong.of(forgetAt) : OptionalLong.empty();
    }

    /** Whether nothing is left to remember: no streak and no history. */
    boolean isEmpty() {
        return streaks.isIdle() && history.isEmpty();
    }

    AlertStreaks streaks() {
        return streaks;
    }

    /** windowStart of the last slot decided; null: none. */
    Long last() {
        return last;
    }

    boolean historyChanged() {
        return historyChanged;
    }

    /** The final records kept, in slot order. */
    List<Kpi> history() {
        return new ArrayList<>(history.values());
    }
}
