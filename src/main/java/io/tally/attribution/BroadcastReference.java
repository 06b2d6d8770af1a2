package io.tally.attribution;

import io.tally.event.AsOf;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Product;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.streaming.api.functions.co.BaseBroadcastProcessFunction;
import org.apache.flink.util.FlinkRuntimeException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The broadcast rules, products and creators of {@link AttributeOrderLines} seen as a {@link LineAttributor.Reference}.
 * One per function instance, pointed at the broadcast state of each call ({@link #readFrom}), so reading reference
 * data allocates nothing but the list of a merchant's rules.
 */
final class BroadcastReference implements LineAttributor.Reference {
    private ReadOnlyBroadcastState<String, List<CommissionRule>> rules;
    private ReadOnlyBroadcastState<String, List<Product>> products;
    private ReadOnlyBroadcastState<String, List<Creator>> creators;

    /**
     * ruleIds by merchant, derived from the broadcast rules: the rules are keyed by ruleId, and a line reads those of
     * its merchant. Not kept in state: built from the rules on first use, so also after a restore.
     */
    private Map<String, Set<String>> rulesByMerchant;

    /** Reads the broadcast state of the call that {@code ctx} belongs to from now on. */
    void readFrom(BaseBroadcastProcessFunction.ReadOnlyContext ctx) {
        rules = ctx.getBroadcastState(AttributeOrderLines.RULES);
        products = ctx.getBroadcastState(AttributeOrderLines.PRODUCTS);
        creators = ctx.getBroadcastState(AttributeOrderLines.CREATORS);
    }

    /** Keeps the index up to date with a rule version just written to the broadcast state. */
    void ruleAdded(CommissionRule r) {
        if (rulesByMerchant != null) {
            rulesByMerchant.computeIfAbsent(r.merchantId, m -> new LinkedHashSet<>()).add(r.ruleId);
        }
    }

    @Override
    public List<List<CommissionRule>> rulesOf(String merchantId) {
        if (rulesByMerchant == null) rulesByMerchant = index(rules);
        Set<String> ids = rulesByMerchant.getOrDefault(merchantId, Set.of());
        List<List<CommissionRule>> result = new ArrayList<>(ids.size());
        for (String id : ids) {
            List<CommissionRule> versions = get(rules, id);
            if (versions != null) result.add(versions);
        }
        return result;
    }

    @Override
    public Product productAsOf(String productId, long ts) {
        return AsOf.find(get(products, productId), p -> p.ts, ts);
    }

    @Override
    public Creator creatorAsOf(String creatorId, long ts) {
        return AsOf.find(get(creators, creatorId), c -> c.ts, ts);
    }

    private static Map<String, Set<String>> index(ReadOnlyBroadcastState<String, List<CommissionRule>> rules) {
        Map<String, Set<String>> byMerchant = new HashMap<>();
        try {
            for (Map.Entry<String, List<CommissionRule>> e : rules.immutableEntries()) {
                for (CommissionRule version : e.getValue()) {
                    byMerchant.computeIfAbsent(version.merchantId, m -> new LinkedHashSet<>()).add(e.getKey());
                }
            }
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot read the broadcast commission rules", e);
        }
        return byMerchant;
    }

    private static <V> V get(ReadOnlyBroadcastState<String, V> state, String key) {
        try {
            return state.get(key);
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot read broadcast state for " + key, e);
        }
    }
}
