package io.tally.alert;

import io.tally.event.AsOf;
import io.tally.event.AlertRule;
import io.tally.kpi.Kpi;
import io.tally.kpi.Metrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evaluates alert rules over the KPI records of one (dimension, key, window size) — the key of this function —
 * slot after slot (CONTRACT section 5): a slot breaches when its final record meets the minimum sample and
 * {@code value op threshold} holds; after forWindows consecutive breaching slots the alert goes FIRING once, and
 * the first later slot that does not breach writes RESOLVED once. A slot without a final record does not breach: an
 * event-time timer at the end of the next slot notices it. Rules come from the configuration and from the
 * alert-rules stream (broadcast); a rule version applies to windows starting at or after its ts, a disabled version
 * removes the rule, and replacing or disabling a rule resolves its firing alert.
 *
 * <p>State per key: the streak of each rule, the final records of the previous slots as deep as the longest baseline,
 * and the latest slot evaluated; all of it is cleared once no rule has a streak and no baseline can reach back. Each
 * piece is one value, read and written whole: a key holds a few rules and a few slots, and a value is one point
 * lookup in RocksDB where iterating a map state is a seek over the tombstones of earlier removals.
 */
public class EvaluateAlerts extends KeyedBroadcastProcessFunction<String, Kpi, AlertRule, Alert> {
    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, List<AlertRule>> RULES = new MapStateDescriptor<>(
            "alert-rules", Types.STRING, Types.LIST(TypeInformation.of(AlertRule.class)));

    /** Rules of the configuration, in force from their ts (0 unless given). */
    private final List<AlertRule> configuredRules;
    /** Whether rules with {@code early} may fire on records of open windows (never in replay: timing-dependent). */
    private final boolean evaluateEarly;

    /** The streak of each rule that has one (idle streaks are not kept), by ruleId. */
    private transient ValueState<Map<String, RuleStreak>> streaks;
    /** Final records of the slots evaluated, as deep as the deepest baseline, by windowStart. */
    private transient ValueState<List<Kpi>> previousFinals;
    /** Final records waiting for the watermark to pass their window's end, by windowStart. */
    private transient ValueState<List<Kpi>> pendingFinals;
    private transient ValueState<Long> lastSlot;
    /** Configured and streamed versions of every rule, merged; rebuilt after a new streamed version (or a restore). */
    private transient Map<String, List<AlertRule>> versionsByRule;

    public EvaluateAlerts(List<AlertRule> configuredRules, boolean evaluateEarly) {
        this.configuredRules = new ArrayList<>(configuredRules);
        this.evaluateEarly = evaluateEarly;
    }

    /** The key of a KPI record in this stage: {@code dimension|key|windowSize}. */
    public static String keyOf(Kpi k) {
        return k.dimension + "|" + k.key + "|" + (k.windowEnd - k.windowStart);
    }

    @Override
    public void open(OpenContext openContext) {
        streaks = getRuntimeContext().getState(new ValueStateDescriptor<>("streaks",
                Types.MAP(Types.STRING, TypeInformation.of(RuleStreak.class))));
        TypeInformation<List<Kpi>> records = Types.LIST(TypeInformation.of(Kpi.class));
        previousFinals = getRuntimeContext().getState(new ValueStateDescriptor<>("previous-finals", records));
        pendingFinals = getRuntimeContext().getState(new ValueStateDescriptor<>("pending-finals", records));
        lastSlot = getRuntimeContext().getState(new ValueStateDescriptor<>("last-slot", Types.LONG));
    }

    @Override
    public void processBroadcastElement(AlertRule rule, Context ctx, Collector<Alert> out) throws Exception {
        // Rule versions are few and a final record may be evaluated well after the watermark passed its window's
        // start, so versions are kept rather than pruned by the watermark.
        ctx.getBroadcastState(RULES).put(rule.ruleId,
                AsOf.insert(ctx.getBroadcastState(RULES).get(rule.ruleId), rule, r -> r.ts, Long.MIN_VALUE));
        versionsByRule = null;
    }

    @Override
    public void processElement(Kpi record, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        if (!record.isFinal) {
            if (evaluateEarly) {
                early(record, rulesInForce(record.dimension, record.windowEnd - record.windowStart, record.windowStart, ctx), out);
            }
            return;
        }
        Long last = lastSlot.value();
        if (last != null && record.windowStart <= last) return; // a final record seen already (at-least-once upstream)
        // Evaluated once this function's watermark passes the slot's end: by then every rule version that can apply
        // to the slot (ts <= windowStart) has arrived, whatever the order in which the two streams were read.
        List<Kpi> pending = pendingFinals.value();
        pending = pending == null ? new ArrayList<>(1) : new ArrayList<>(pending);
        pending.removeIf(k -> k.windowStart == record.windowStart);
        pending.add(record);
        pendingFinals.update(pending);
        ctx.timerService().registerEventTimeTimer(record.windowEnd - 1);
    }

    /**
     * Evaluates the final records the watermark passed, then notices a slot that ended without a record (not
     * breaching), then trims what no rule can need any more.
     */
    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        String current = ctx.getCurrentKey();
        String dimension = current.substring(0, current.indexOf('|'));
        String key = current.substring(dimension.length() + 1, current.lastIndexOf('|'));
        long size = Long.parseLong(current.substring(current.lastIndexOf('|') + 1));

        // The final records the watermark passed, by slot; the others stay pending.
        TreeMap<Long, Kpi> due = new TreeMap<>();
        List<Kpi> pending = pendingFinals.value();
        if (pending != null) {
            List<Kpi> later = new ArrayList<>();
            for (Kpi k : pending) {
                if (k.windowEnd - 1 <= time) due.put(k.windowStart, k);
                else later.add(k);
            }
            if (later.isEmpty()) pendingFinals.clear();
            else if (later.size() != pending.size()) pendingFinals.update(later);
            pending = later;
        }
        if (!anyRuleFor(dimension, size, ctx)) {
            // No rule looks at this dimension and window size (decided at the watermark, when every rule that could
            // apply has arrived): keep no history for it.
            due.clear();
        }
        Map<String, RuleStreak> streakByRule = streaks();
        TreeMap<Long, Kpi> history = previousFinals();
        boolean historyChanged = false;
        Long last = lastSlot.value();
        for (Map.Entry<Long, Kpi> e : due.entrySet()) {
            long slot = e.getKey();
            if (last != null && slot <= last) continue;
            if (last != null && slot > last + size) {
                evaluate(last + size, size, null, dimension, key, rulesInForce(dimension, size, last + size, ctx),
                        streakByRule, history, out);
            }
            evaluate(slot, size, e.getValue(), dimension, key, rulesInForce(dimension, size, slot, ctx),
                    streakByRule, history, out);
            history.put(slot, e.getValue());
            historyChanged = true;
            last = slot;
        }

        if (last == null) return; // nothing evaluated, nothing changed
        long next = last + size;
        boolean nextPending = pending != null && pending.stream().anyMatch(k -> k.windowStart == next);
        if (time >= next + size - 1 && !nextPending) {
            evaluate(next, size, null, dimension, key, rulesInForce(dimension, size, next, ctx), streakByRule,
                    history, out);
            last = next;
        }
        // Slots still to be evaluated start after time + 1 - size; the deepest baseline reaches depth slots back.
        int depth = deepestBaseline(dimension, size, ctx);
        long dropUpTo = time + 1 - (long) (depth + 1) * size;
        historyChanged |= history.headMap(dropUpTo, true).keySet().removeIf(slot -> true);
        boolean idle = streakByRule.isEmpty(); // idle streaks are never kept
        if (idle && history.isEmpty() && (pending == null || pending.isEmpty())) {
            streaks.clear();
            lastSlot.clear();
            previousFinals.clear();
            return;
        }
        saveStreaks(streakByRule);
        if (historyChanged) {
            if (history.isEmpty()) previousFinals.clear();
            else previousFinals.update(new ArrayList<>(history.values()));
        }
        lastSlot.update(last);
        if (idle) {
            // Nothing to resolve: come back once the newest history no baseline can reach any more.
            // (Final records still pending have timers of their own.)
            long forgetAt = last + (long) (depth + 1) * size - 1;
            if (forgetAt > time) ctx.timerService().registerEventTimeTimer(forgetAt);
        } else {
            ctx.timerService().registerEventTimeTimer(last + 2 * size - 1);
        }
    }

    /** The streaks of this key, as a map to change and {@link #saveStreaks save}. */
    private Map<String, RuleStreak> streaks() throws Exception {
        Map<String, RuleStreak> stored = streaks.value();
        return stored == null ? new HashMap<>() : new HashMap<>(stored);
    }

    private void saveStreaks(Map<String, RuleStreak> streakByRule) throws Exception {
        if (streakByRule.isEmpty()) streaks.clear();
        else streaks.update(streakByRule);
    }

    /** The previous final records of this key by windowStart. */
    private TreeMap<Long, Kpi> previousFinals() throws Exception {
        TreeMap<Long, Kpi> history = new TreeMap<>();
        List<Kpi> stored = previousFinals.value();
        if (stored != null) for (Kpi k : stored) history.put(k.windowStart, k);
        return history;
    }

    /** Evaluates one slot (record null: the slot has no final record) for every rule in force. */
    private void evaluate(long slotStart, long size, Kpi record, String dimension, String key,
                          Map<String, AlertRule> rules, Map<String, RuleStreak> streakByRule, Map<Long, Kpi> history,
                          Collector<Alert> out) throws Exception {
        // Rules no longer in force (disabled, or replaced for another dimension or window) resolve their alerts.
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, RuleStreak> e : streakByRule.entrySet()) {
            if (!rules.containsKey(e.getKey()) && !firedOnLaterSlot(e.getValue(), slotStart)) gone.add(e.getKey());
        }
        for (String ruleId : gone) {
            RuleStreak s = streakByRule.get(ruleId);
            if (s.firing) out.collect(alert(s, ruleId, dimension, key, null, null, AlertState.RESOLVED, slotStart, size));
            streakByRule.remove(ruleId);
        }
        Thresholds.Previous previous = history::get;
        for (AlertRule rule : rules.values()) {
            RuleStreak s = streakByRule.get(rule.ruleId);
            if (s != null && firedOnLaterSlot(s, slotStart)) continue;
            if (s == null) s = new RuleStreak();
            if (s.ruleVersionTs != rule.ts && !s.isIdle()) {
                // A replaced rule resolves the alert raised under its previous version and starts over.
                if (s.firing) out.collect(alert(s, rule.ruleId, dimension, key, null, null, AlertState.RESOLVED, slotStart, size));
                s = new RuleStreak();
            }
            s.ruleVersionTs = rule.ts;
            Double value = record == null ? null : Metrics.value(record, rule.metric);
            Double threshold = record == null ? null : Thresholds.threshold(rule, record, previous);
            boolean breach = record != null && Thresholds.sampleMet(rule, record) && Thresholds.holds(value, rule.op, threshold);
            if (breach) {
                if (s.length == 0) s.streakStart = slotStart;
                s.length++;
                if (s.length >= rule.forWindows && !s.firing) {
                    fire(s, rule, dimension, key);
                    out.collect(alert(s, rule.ruleId, dimension, key, value, threshold, AlertState.FIRING, slotStart, size));
                }
            } else {
                if (s.firing) out.collect(alert(s, rule.ruleId, dimension, key, value, threshold, AlertState.RESOLVED, slotStart, size));
                s.length = 0;
                s.firing = false;
            }
            if (s.isIdle()) streakByRule.remove(rule.ruleId);
            else streakByRule.put(rule.ruleId, s);
        }
    }

    /** Early rules may fire on a record of an open window, once per streak; the final record then decides on. */
    private void early(Kpi record, Map<String, AlertRule> rules, Collector<Alert> out) throws Exception {
        long size = record.windowEnd - record.windowStart;
        if (rules.values().stream().noneMatch(r -> r.early)) return;
        Long last = lastSlot.value();
        boolean follows = last != null && last == record.windowStart - size;
        Map<String, RuleStreak> streakByRule = streaks();
        boolean changed = false;
        TreeMap<Long, Kpi> history = null;
        for (AlertRule rule : rules.values()) {
            if (!rule.early) continue;
            RuleStreak s = streakByRule.get(rule.ruleId);
            // A streak of the rule's previous version is the final record's to resolve (evaluate); replacing it here
            // would lose its firing alert's RESOLVED.
            if (s != null && s.ruleVersionTs != rule.ts && !s.isIdle()) continue;
            if (s == null || s.ruleVersionTs != rule.ts) s = new RuleStreak();
            if (s.firing) continue;
            int before = follows ? s.length : 0;
            Double value = Metrics.value(record, rule.metric);
            if (history == null) history = previousFinals();
            Double threshold = Thresholds.threshold(rule, record, (Thresholds.Previous) history::get);
            if (before + 1 >= rule.forWindows && Thresholds.sampleMet(rule, record)
                    && Thresholds.holds(value, rule.op, threshold)) {
                s.ruleVersionTs = rule.ts;
                if (before == 0) {
                    s.length = 0;
                    s.streakStart = record.windowStart;
                }
                fire(s, rule, record.dimension, record.key);
                streakByRule.put(rule.ruleId, s);
                changed = true;
                out.collect(alert(s, rule.ruleId, record.dimension, record.key, value, threshold, AlertState.FIRING,
                        record.windowStart, size));
            }
        }
        if (changed) saveStreaks(streakByRule);
    }


    /**
     * Whether the streak's alert fired early on a slot after {@code slotStart}. Live, an update of an open window
     * can arrive before the watermark decides the slots before it (a final record still pending, or a slot without
     * one); such an earlier slot neither resolves nor restarts the alert (FIRING once, RESOLVED once).
     */
    private static boolean firedOnLaterSlot(RuleStreak s, long slotStart) {
        return s.firing && s.streakStart > slotStart;
    }

    private static void fire(RuleStreak s, AlertRule rule, String dimension, String key) {
        s.firing = true;
        s.alertId = rule.ruleId + "|" + dimension + "|" + key + "|" + s.streakStart;
        s.metric = rule.metric;
        s.op = rule.op;
    }

    private static Alert alert(RuleStreak s, String ruleId, String dimension, String key, Double value,
                               Double threshold, AlertState state, long slotStart, long size) {
        Alert a = new Alert();
        a.alertId = s.alertId;
        a.ruleId = ruleId;
        a.dimension = dimension;
        a.key = key;
        a.metric = s.metric;
        a.op = s.op;
        a.value = value;
        a.threshold = threshold;
        a.state = state;
        a.windowStart = slotStart;
        a.windowEnd = slotStart + size;
        a.ts = slotStart + size;
        return a;
    }

    /** The enabled rule versions in force for windows starting at {@code slotStart}, by ruleId. */
    private Map<String, AlertRule> rulesInForce(String dimension, long size, long slotStart, ReadOnlyContext ctx)
            throws Exception {
        Map<String, AlertRule> result = new HashMap<>();
        for (AlertRule version : versionsInForce(slotStart, ctx)) {
            if (version.enabled && dimension.equals(version.dimension) && version.windowMs == size) {
                result.put(version.ruleId, version);
            }
        }
        return result;
    }

    /** For each ruleId, the version in force at {@code at} (configured versions and streamed ones together). */
    private List<AlertRule> versionsInForce(long at, ReadOnlyContext ctx) throws Exception {
        List<AlertRule> inForce = new ArrayList<>();
        for (List<AlertRule> list : versionsByRule(ctx).values()) {
            AlertRule r = AsOf.find(list, v -> v.ts, at);
            if (r != null) inForce.add(r);
        }
        return inForce;
    }

    private Map<String, List<AlertRule>> versionsByRule(ReadOnlyContext ctx) throws Exception {
        if (versionsByRule == null) {
            Map<String, List<AlertRule>> versions = new HashMap<>();
            for (AlertRule r : configuredRules) {
                versions.put(r.ruleId, AsOf.insert(versions.get(r.ruleId), r, v -> v.ts, Long.MIN_VALUE));
            }
            for (Map.Entry<String, List<AlertRule>> e : ctx.getBroadcastState(RULES).immutableEntries()) {
                List<AlertRule> merged = versions.get(e.getKey());
                for (AlertRule r : e.getValue()) merged = AsOf.insert(merged, r, v -> v.ts, Long.MIN_VALUE);
                versions.put(e.getKey(), merged);
            }
            versionsByRule = versions;
        }
        return versionsByRule;
    }

    /** Whether any version of any rule looks at this dimension and window size. */
    private boolean anyRuleFor(String dimension, long size, ReadOnlyContext ctx) throws Exception {
        for (List<AlertRule> versions : versionsByRule(ctx).values()) {
            for (AlertRule r : versions) {
                if (r.enabled && dimension.equals(r.dimension) && r.windowMs == size) return true;
            }
        }
        return false;
    }

    /** The most previous slots any rule of this dimension and size averages over (0: no baseline rule). */
    private int deepestBaseline(String dimension, long size, ReadOnlyContext ctx) throws Exception {
        int depth = 0;
        for (List<AlertRule> versions : versionsByRule(ctx).values()) {
            for (AlertRule r : versions) {
                if (r.enabled && r.baselineWindows != null && dimension.equals(r.dimension) && r.windowMs == size) {
                    depth = Math.max(depth, r.baselineWindows);
                }
            }
        }
        return depth;
    }
}
