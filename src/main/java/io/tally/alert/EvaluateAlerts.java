package io.tally.alert;

import io.tally.event.AlertRule;
import io.tally.event.AsOf;
import io.tally.kpi.Kpi;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evaluates alert rules over the KPI records of one (dimension, key, window size) — the key of this function, as the
 * string {@link #keyOf} and read back as an {@link AlertKey} — slot after slot (CONTRACT section 5). The rules live in
 * plain classes: {@link RuleBook} (which rule versions are in force), {@link AlertStreaks} (FIRING and RESOLVED) and
 * {@link KeySlots} (slot order, slots without a record, baseline history); this function keeps their state, sets
 * their timers and merges the rules of the configuration with those of the alert-rules stream (broadcast).
 *
 * <p>A final record is decided once the watermark passes its slot's end (an event-time timer), when every rule version
 * that can apply to the slot has arrived; the timer at the end of the slot after the last one notices a slot without a
 * record. With early evaluation on, early rules may fire on records of open windows as they arrive.
 *
 * <p>State per key: the streak of each rule, the final records of the previous slots as deep as the longest baseline,
 * the final records waiting for the watermark, and the latest slot decided; all of it is cleared once no rule has a
 * streak, no baseline can reach back and no final record is pending. Each piece is one value, read and written whole:
 * a key holds a few rules and a few slots, and a value is one point lookup in RocksDB where iterating a map state is a
 * seek over the tombstones of earlier removals.
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
    private transient RuleBook ruleBook;

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
        ruleBook = null;
    }

    @Override
    public void processElement(Kpi record, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        if (!record.isFinal) {
            if (evaluateEarly) fireEarly(record, ctx, out);
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

    /** Lets early rules fire on a record of an open window; the final record then decides on. */
    private void fireEarly(Kpi open, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        AlertKey key = AlertKey.of(open);
        Map<String, AlertRule> rules = ruleBook(ctx).inForce(key, open.windowStart);
        if (!AlertStreaks.anyEarly(rules)) return;
        AlertStreaks streaks = new AlertStreaks(key, streaks(), out::collect);
        if (streaks.fireEarly(open, rules, lastSlot.value(), previousFinalsOnDemand())) saveStreaks(streaks.byRule());
    }

    /**
     * Decides the slots whose final records the watermark passed, then a slot that ended without a record (not
     * breaching), then forgets what no rule can need any more and sets the next timer.
     */
    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        AlertKey key = AlertKey.parse(ctx.getCurrentKey());
        Finals finals = takeDue(time);
        KeySlots slots = new KeySlots(new AlertStreaks(key, streaks(), out::collect), ruleBook(ctx),
                previousFinals.value(), lastSlot.value());
        slots.decide(finals.due());
        if (slots.last() == null) return; // nothing decided, nothing changed
        slots.decideMissingNext(time, finals.pending());
        slots.forgetUnreachable(time);
        if (slots.isEmpty() && finals.pending().isEmpty()) {
            streaks.clear();
            lastSlot.clear();
            previousFinals.clear();
            return;
        }
        save(slots);
        slots.nextCheck(time).ifPresent(ctx.timerService()::registerEventTimeTimer);
    }

    /** The final records the watermark passed (by slot) and those still pending. */
    private record Finals(TreeMap<Long, Kpi> due, List<Kpi> pending) {}

    /** Takes the final records the watermark ({@code time}) passed out of the pending ones. */
    private Finals takeDue(long time) throws Exception {
        TreeMap<Long, Kpi> due = new TreeMap<>();
        List<Kpi> pending = pendingFinals.value();
        if (pending == null) return new Finals(due, List.of());
        List<Kpi> later = new ArrayList<>();
        for (Kpi k : pending) {
            if (k.windowEnd - 1 <= time) due.put(k.windowStart, k);
            else later.add(k);
        }
        if (later.isEmpty()) pendingFinals.clear();
        else if (later.size() != pending.size()) pendingFinals.update(later);
        return new Finals(due, later);
    }

    private void save(KeySlots slots) throws Exception {
        saveStreaks(slots.streaks().byRule());
        if (slots.historyChanged()) {
            List<Kpi> history = slots.history();
            if (history.isEmpty()) previousFinals.clear();
            else previousFinals.update(history);
        }
        lastSlot.update(slots.last());
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

    /** The previous final records of this key, read from state at the first lookup (only baselines look any up). */
    private Thresholds.Previous previousFinalsOnDemand() {
        return new Thresholds.Previous() {
            private Map<Long, Kpi> byWindowStart;

            @Override
            public Kpi at(long windowStart) throws Exception {
                if (byWindowStart == null) {
                    byWindowStart = new HashMap<>();
                    List<Kpi> stored = previousFinals.value();
                    if (stored != null) for (Kpi k : stored) byWindowStart.put(k.windowStart, k);
                }
                return byWindowStart.get(windowStart);
            }
        };
    }

    private RuleBook ruleBook(ReadOnlyContext ctx) throws Exception {
        if (ruleBook == null) {
            ruleBook = RuleBook.merge(configuredRules, ctx.getBroadcastState(RULES).immutableEntries());
        }
        return ruleBook;
    }
}
