package io.tally.alert;

import io.tally.event.AlertRule;
import io.tally.event.AsOf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every version of every alert rule, configured and streamed merged (CONTRACT section 5): a version applies to
 * windows starting at or after its ts, and an enabled-false version removes the rule from its ts on.
 */
final class RuleBook {
    /** Versions of each rule in ts order, by ruleId. */
    private final Map<String, List<AlertRule>> versionsByRule;

    private RuleBook(Map<String, List<AlertRule>> versionsByRule) {
        this.versionsByRule = versionsByRule;
    }

    /**
     * The configured rules (in force from their ts) and the streamed versions by ruleId; a streamed version with the
     * ts of a configured one replaces it.
     */
    static RuleBook merge(List<AlertRule> configured, Iterable<Map.Entry<String, List<AlertRule>>> streamed) {
        Map<String, List<AlertRule>> versions = new HashMap<>();
        for (AlertRule r : configured) {
            versions.put(r.ruleId, AsOf.insert(versions.get(r.ruleId), r, v -> v.ts, Long.MIN_VALUE));
        }
        for (Map.Entry<String, List<AlertRule>> e : streamed) {
            List<AlertRule> merged = versions.get(e.getKey());
            for (AlertRule r : e.getValue()) merged = AsOf.insert(merged, r, v -> v.ts, Long.MIN_VALUE);
            versions.put(e.getKey(), merged);
        }
        return new RuleBook(versions);
    }

    /** The enabled rule versions that watch {@code key} in the slot starting at {@code slotStart}, by ruleId. */
    Map<String, AlertRule> inForce(AlertKey key, long slotStart) {
        Map<String, AlertRule> result = new HashMap<>();
        for (AlertRule version : versionsInForce(slotStart)) {
            if (key.watchedBy(version)) result.put(version.ruleId, version);
        }
        return result;
    }

    /** For each rule, the version in force at {@code at}. */
    private List<AlertRule> versionsInForce(long at) {
        List<AlertRule> inForce = new ArrayList<>();
        for (List<AlertRule> list : versionsByRule.values()) {
            AlertRule r = AsOf.find(list, v -> v.ts, at);
            if (r != null) inForce.add(r);
        }
        return inForce;
    }

    /** Whether any version of any rule, at any time, watches {@code key}. */
    boolean anyRuleFor(AlertKey key) {
        for (List<AlertRule> versions : versionsByRule.values()) {
            for (AlertRule r : versions) {
                if (key.watchedBy(r)) return true;
            }
        }
        return false;
    }

    /** The most previous slots any version watching {@code key} averages over (0: no baseline rule). */
    int deepestBaseline(AlertKey key) {
        int depth = 0;
        for (List<AlertRule> versions : versionsByRule.values()) {
            for (AlertRule r : versions) {
                if (r.baselineWindows != null && key.watchedBy(r)) depth = Math.max(depth, r.baselineWindows);
            }
        }
        return depth;
    }
}
