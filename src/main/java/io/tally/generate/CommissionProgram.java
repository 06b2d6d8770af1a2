package io.tally.generate;

import io.tally.event.CommissionRule;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The merchants' commission rules and how they change: merchant defaults (5-15%), product-specific rates, creator
 * plans (creator only, or creator and product), time-boxed product bonuses, rate changes and deletions. Rule ids say
 * what a rule covers: {@code r-m-003}, {@code r-p-003-017}, {@code r-c-0042-m-003}, {@code r-cp-0042-p-003-017},
 * {@code r-b-<n>} (bonus campaign).
 */
final class CommissionProgram {
    private static final double PRODUCT_RULE_SHARE = 0.08;
    private static final double CREATOR_PLAN_SHARE = 0.5;
    private static final int PRODUCT_CREATOR_PLANS = 5;
    private static final BigDecimal BONUS = new BigDecimal("0.05");

    private final Catalog catalog;
    private final Draw draw;
    private final BigDecimal[] merchantRates;
    /** Products with a product-only rule of their own, in creation order (the ones that may be deleted). */
    private final List<Integer> productRules = new ArrayList<>();
    private final boolean[] hasProductRule;
    /** Until when a product has a bonus campaign running (0: none). */
    private final long[] bonusUntil;
    private long bonusCampaigns;

    CommissionProgram(Catalog catalog, Draw draw) {
        this.catalog = catalog;
        this.draw = draw;
        this.merchantRates = new BigDecimal[catalog.merchants.length];
        this.hasProductRule = new boolean[catalog.items.length];
        this.bonusUntil = new long[catalog.items.length];
    }

    /** The program at the start. */
    List<CommissionRule> initial(long ts, boolean scenarios) {
        List<CommissionRule> rules = new ArrayList<>();
        for (int m = 0; m < catalog.merchants.length; m++) {
            Catalog.Merchant merchant = catalog.merchants[m];
            merchantRates[m] = merchant.thinMargin ? new BigDecimal("0.05") : draw.rate(0.05, 0.15);
            rules.add(rule("r-m-" + merchant.id.substring(2), ts, merchant.id, null, null, merchantRates[m]));
        }
        for (int p = 0; p < catalog.items.length; p++) {
            if (eligible(p) && draw.chance(PRODUCT_RULE_SHARE)) rules.add(addProductRule(p, ts));
        }
        rules.addAll(creatorPlans(ts, scenarios));
        long[] bonusDurations = {Scenarios.BONUS_ENDS, 2 * 3_600_000L, 24 * 3_600_000L};
        for (long duration : bonusDurations) {
            CommissionRule bonus = bonusCampaign(ts, duration);
            if (bonus != null) rules.add(bonus);
        }
        return rules;
    }

    private List<CommissionRule> creatorPlans(long ts, boolean scenarios) {
        List<CommissionRule> rules = new ArrayList<>();
        Scenarios.Cast cast = catalog.cast;
        int big = Math.max(1, catalog.creators.length / 10);
        for (int c = 0; c < big; c++) {
            if (cast != null && c == cast.cpaCreator) continue;
            int merchant = firstMerchantOf(c);
            if (merchant < 0 || catalog.merchants[merchant].thinMargin || !draw.chance(CREATOR_PLAN_SHARE)) continue;
            rules.add(creatorPlan(c, merchant, ts, merchantRates[merchant].add(draw.rate(0.02, 0.08))));
        }
        if (scenarios && cast != null) {
            // The CPA-above-margin story: a generous plan on a thin-margin merchant.
            rules.add(creatorPlan(cast.cpaCreator, cast.cpaMerchant, ts, new BigDecimal(Scenarios.CPA_CREATOR_RATE)));
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int tries = 0; seen.size() < PRODUCT_CREATOR_PLANS && tries < 100; tries++) {
            Catalog.Content content = catalog.contents[draw.index(catalog.contents.length)];
            if (!content.hasProducts() || catalog.merchants[content.merchant].thinMargin) continue;
            Catalog.Item item = catalog.items[content.products[draw.index(content.products.length)]];
            String ruleId = "r-cp-" + content.creatorId.substring(2) + "-" + item.id;
            if (seen.add(ruleId)) {
                rules.add(rule(ruleId, ts, item.merchantId, item.id, content.creatorId, draw.rate(0.15, 0.25)));
            }
        }
        return rules;
    }

    private CommissionRule creatorPlan(int creator, int merchant, long ts, BigDecimal rate) {
        String creatorId = catalog.creators[creator].id;
        String merchantId = catalog.merchants[merchant].id;
        return rule("r-c-" + creatorId.substring(2) + "-" + merchantId, ts, merchantId, null, creatorId, rate);
    }

    private int firstMerchantOf(int creator) {
        for (int c : catalog.creators[creator].contents) {
            if (catalog.contents[c].hasProducts()) return catalog.contents[c].merchant;
        }
        return -1;
    }

    /** Products of the thin-margin merchant keep the plain plan so the CPA story stays clear. */
    private boolean eligible(int product) {
        return !catalog.merchants[catalog.items[product].merchant].thinMargin;
    }

    private CommissionRule addProductRule(int product, long ts) {
        Catalog.Item item = catalog.items[product];
        hasProductRule[product] = true;
        productRules.add(product);
        BigDecimal rate = merchantRates[item.merchant].add(draw.rate(0.02, 0.10));
        return rule(productRuleId(item), ts, item.merchantId, item.id, null, rate);
    }

    /** A new product-specific rate for a random eligible product without one; null if none found. */
    CommissionRule addProductRule(long ts) {
        int product = draw.index(catalog.items.length);
        if (!eligible(product) || hasProductRule[product]) return null;
        return addProductRule(product, ts);
    }

    /** The oldest product rule is withdrawn: its product falls back to the merchant default; null if none. */
    CommissionRule deleteProductRule(long ts) {
        if (productRules.isEmpty()) return null;
        int product = productRules.remove(0);
        hasProductRule[product] = false;
        Catalog.Item item = catalog.items[product];
        CommissionRule deleted = rule(productRuleId(item), ts, item.merchantId, item.id, null, null);
        deleted.deleted = true;
        return deleted;
    }

    /** A new version of a merchant's default rule with a rate 1-3 points higher or lower. */
    CommissionRule changeMerchantRate(int merchant, long ts) {
        BigDecimal step = draw.rate(0.01, 0.03);
        BigDecimal next = draw.chance(0.5) ? merchantRates[merchant].add(step) : merchantRates[merchant].subtract(step);
        if (next.compareTo(new BigDecimal("0.03")) < 0 || next.compareTo(new BigDecimal("0.20")) > 0) {
            next = merchantRates[merchant];
        }
        merchantRates[merchant] = next;
        Catalog.Merchant m = catalog.merchants[merchant];
        return rule("r-m-" + m.id.substring(2), ts, m.id, null, null, next);
    }

    /**
     * A launch bonus on one product: a product-only rule (so it beats the merchant default) paying the default rate
     * plus a bonus until {@code ts + duration}; afterwards the product falls back to the default. Products with a
     * rule of their own are skipped (two product-only rules would compete). Null if no product was found.
     */
    CommissionRule bonusCampaign(long ts, long duration) {
        for (int tries = 0; tries < 20; tries++) {
            int product = draw.index(catalog.items.length);
            if (!eligible(product) || hasProductRule[product] || bonusUntil[product] > ts) continue;
            Catalog.Item item = catalog.items[product];
            bonusUntil[product] = ts + duration;
            CommissionRule bonus = rule("r-b-" + (++bonusCampaigns), ts, item.merchantId, item.id, null,
                    merchantRates[item.merchant]);
            bonus.bonusRate = BONUS;
            bonus.validUntil = ts + duration;
            return bonus;
        }
        return null;
    }

    private static String productRuleId(Catalog.Item item) {
        return "r-" + item.id;
    }

    private static CommissionRule rule(String ruleId, long ts, String merchantId, String productId, String creatorId,
                                       BigDecimal rate) {
        return new CommissionRule(ruleId, ts, merchantId, productId, creatorId, rate, BigDecimal.ZERO, null, false);
    }
}
