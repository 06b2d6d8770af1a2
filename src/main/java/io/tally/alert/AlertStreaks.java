package io.tally.alert;

import io.tally.event.AlertRule;
import io.tally.kpi.Kpi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The streaks of one key's rules, decided slot by slot (CONTRACT section 5): after forWindows consecutive breaching
 * slots a rule's alert goes FIRING once, and the first later slot that does not breach writes RESOLVED once. A rule
 * replaced by a new version, or no longer in force, resolves its firing alert. Alerts go to {@code out} in the order
 * they happen.
 */
final class AlertStreaks {
    private final AlertKey key;
    /** The streak of each rule that has one, by ruleId; a streak that becomes idle is removed. */
    private final Map<String, RuleStreak> byRule;
    private final Consumer<Alert> out;

    /** @param byRule the key's streaks by ruleId, changed in place */
    AlertStreaks(AlertKey key, Map<String, RuleStreak> byRule, Consumer<Alert> out) {
        this.key = key;
        this.byRule = byRule;
        this.out = out;
    }

    AlertKey key() {
        return key;
    }

    /** The streaks by ruleId, none of them idle. */
    Map<String, RuleStreak> byRule() {
        return byRule;
    }

    /** Whether no rule has a streak or a firing alert: nothing to resolve. */
    boolean isIdle() {
        return byRule.isEmpty();
    }

    /**
     * Decides the slot starting at {@code slotStart} for the rules in force there.
     *
     * @param finalRecord the slot's final record; null when the slot has none (then it does not breach)
     * @param history     final records of the key's previous slots, for baselines
     */
    void decide(long slotStart, Kpi finalRecord, Map<String, AlertRule> rules, Thresholds.Previous history) {
        resolveRulesOutOfForce(slotStart, rules);
        for (AlertRule rule : rules.values()) {
            RuleStreak s = byRule.get(rule.ruleId);
            if (s != null && firedOnLaterSlot(s, slotStart)) continue;
            s = underVersion(s, rule, slotStart);
            Reading reading = Reading.of(rule, slotStart, finalRecord, history);
            if (reading.breach()) breach(s, rule, reading);
            else noBreach(s, rule.ruleId, reading);
            if (s.isIdle()) byRule.remove(rule.ruleId);
            else byRule.put(rule.ruleId, s);
        }
    }

    /** Rules no longer in force for this key (disabled, or replaced for another dimension or window) resolve. */
    private void resolveRulesOutOfForce(long slotStart, Map<String, AlertRule> rules) {
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, RuleStreak> e : byRule.entrySet()) {
            if (!rules.containsKey(e.getKey()) && !firedOnLaterSlot(e.getValue(), slotStart)) gone.add(e.getKey());
        }
        for (String ruleId : gone) {
            RuleStreak s = byRule.remove(ruleId);
            if (s.firing) out.accept(alert(s, ruleId, AlertState.RESOLVED, Reading.none(slotStart)));
        }
    }

    /** The rule's streak under {@code rule}'s version: a streak of a previous version resolves and starts over. */
    private RuleStreak underVersion(RuleStreak s, AlertRule rule, long slotStart) {
        if (s == null) s = new RuleStreak();
        if (s.ruleVersionTs != rule.ts && !s.isIdle()) {
            if (s.firing) out.accept(alert(s, rule.ruleId, AlertState.RESOLVED, Reading.none(slotStart)));
            s = new RuleStreak();
        }
        s.ruleVersionTs = rule.ts;
        return s;
    }

    private void breach(RuleStreak s, AlertRule rule, Reading reading) {
        if (s.length == 0) s.streakStart = reading.slotStart();
        s.length++;
        if (s.length >= rule.forWindows && !s.firing) {
            fire(s, rule);
            out.accept(alert(s, rule.ruleId, AlertState.FIRING, reading));
        }
    }

    private void noBreach(RuleStreak s, String ruleId, Reading reading) {
        if (s.firing) out.accept(alert(s, ruleId, AlertState.RESOLVED, reading));
        s.length = 0;
        s.firing = false;
    }

    /** Whether any of the rules may fire on records of open windows. */
    static boolean anyEarly(Map<String, AlertRule> rules) {
        return rules.values().stream().anyMatch(r -> r.early);
    }

    /**
     * Early rules may fire on a record of an open window, once per streak, when the slot would complete the streak;
     * the final record then decides on (it may resolve the alert on this very slot).
     *
     * @param lastSlot windowStart of the last slot decided (null: none); a streak continues only into the slot after it
     * @return whether a streak changed
     */
    boolean fireEarly(Kpi open, Map<String, AlertRule> rules, Long lastSlot, Thresholds.Previous history) {
        boolean follows = lastSlot != null && lastSlot == open.windowStart - key.windowSize();
        boolean changed = false;
        for (AlertRule rule : rules.values()) {
            if (rule.early) changed |= fireEarly(rule, open, follows, history);
        }
        return changed;
    }

    private boolean fireEarly(AlertRule rule, Kpi open, boolean follows, Thresholds.Previous history) {
        RuleStreak s = byRule.get(rule.ruleId);
        // A streak of the rule's previous version is the final record's to resolve (decide); replacing it here would
        // lose its firing alert's RESOLVED.
        if (s != null && s.ruleVersionTs != rule.ts && !s.isIdle()) return false;
        if (s == null || s.ruleVersionTs != rule.ts) s = new RuleStreak();
        if (s.firing) return false;
        int before = follows ? s.length : 0;
        Reading reading = Reading.of(rule, open.windowStart, open, history);
        if (before + 1 < rule.forWindows || !reading.breach()) return false;
        s.ruleVersionTs = rule.ts;
        if (before == 0) {
            s.length = 0;
            s.streakStart = open.windowStart;
        }
        fire(s, rule);
        byRule.put(rule.ruleId, s);
        out.accept(alert(s, rule.ruleId, AlertState.FIRING, reading));
        return true;
    }

    /**
     * Whether the streak's alert fired early on a slot after {@code slotStart}. Live, an update of an open window
     * can arrive before the watermark decides the slots before it (a final record still pending, or a slot without
     * one); such an earlier slot neither resolves nor restarts the alert (FIRING once, RESOLVED once).
     */
    private static boolean firedOnLaterSlot(RuleStreak s, long slotStart) {
        return s.firing && s.streakStart > slotStart;
    }

    private void fire(RuleStreak s, AlertRule rule) {
        s.firing = true;
        s.alertId = rule.ruleId + "|" + key.dimension() + "|" + key.key() + "|" + s.streakStart;
        s.metric = rule.metric;
        s.op = rule.op;
    }

    /** The alert record of a change of {@code s}, caused by the slot of {@code reading}. */
    private Alert alert(RuleStreak s, String ruleId, AlertState state, Reading reading) {
        Alert a = new Alert();
        a.alertId = s.alertId;
        a.ruleId = ruleId;
        a.dimension = key.dimension();
        a.key = key.key();
        a.metric = s.metric;
        a.op = s.op;
        a.value = reading.value();
        a.threshold = reading.threshold();
        a.state = state;
        a.windowStart = reading.slotStart();
        a.windowEnd = reading.slotStart() + key.windowSize();
        a.ts = reading.slotStart() + key.windowSize();
        return a;
    }

    /** What a rule reads of one slot: its value and threshold (null where unknown), and whether the slot breaches. */
    private record Reading(long slotStart, Double value, Double threshold, boolean breach) {
        /** A slot with no value to report: no record, or a rule that no longer applies. */
        static Reading none(long slotStart) {
            return new Reading(slotStart, null, null, false);
        }

        static Reading of(AlertRule rule, long slotStart, Kpi record, Thresholds.Previous history) {
            if (record == null) return none(slotStart);
            Double value = record.value(rule.metric());
            Double threshold = Thresholds.threshold(rule, record, history);
            boolean breach = Thresholds.breaches(rule, record, value, threshold);
            return new Reading(slotStart, value, threshold, breach);
        }
    }
}
