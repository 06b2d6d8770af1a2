package io.tally.generate;

import io.tally.event.AlertRule;

import java.util.ArrayList;
import java.util.List;

/**
 * The deliberate stories the simulation tells, so that alert rules have something to find within a few simulated
 * minutes of the start (offsets below are from the start of the simulated clock):
 * <ol>
 *   <li><b>Viral content</b>: one content of a MICRO creator has steady views (its own driver, about 0.2% of all
 *       views, at least 1 per second) until {@link #VIRAL_START}, then {@link #VIRAL_FACTOR}x as many until
 *       {@link #VIRAL_END}, then back to normal. Its 1-minute CONTENT views jump far above any baseline of the
 *       previous windows (e.g. views &gt; 10 x the mean of the previous 5 windows).</li>
 *   <li><b>Clicked while out of stock</b>: the viral content and a few others feature a pushed product. At
 *       {@link #SOLD_OUT} the merchant reports it sold out (a product version with stock 0) while the viral views
 *       still bring clicks; it is restocked at {@link #RESTOCK}. 1-minute PRODUCT windows show stock 0 with many
 *       clicks, and orders for it stop (lost sales).</li>
 *   <li><b>CPA above margin</b>: the biggest MACRO creator sells only for a thin-margin merchant (6-12% margin) on
 *       a creator plan of {@link #CPA_CREATOR_RATE} commission, with twice its audience's share of views, and gets an ADS spend every
 *       {@link #CPA_SPEND_EVERY_MS} ms. Each of its CREATOR windows with attributed orders has cpa (commission +
 *       spend per attributed order) above marginPerOrder.</li>
 *   <li><b>Tier moves</b>: a MICRO creator (98,800 followers) crosses to MID at {@link #MICRO_TO_MID}, a MACRO
 *       creator (992,000) crosses to MEGA at {@link #MACRO_TO_MEGA}: TIER KPIs of later events use the new tier.</li>
 *   <li><b>Commission program changes</b>: a product launch bonus expires at {@link #BONUS_ENDS}, the first
 *       merchant's default rate changes at {@link #RATE_CHANGE}, a product rule is deleted at
 *       {@link #RULE_DELETED}.</li>
 * </ol>
 * With {@link GeneratorSettings#alertRules}, three demo alert rules ({@code sim-*}) that catch stories 1-3 are
 * emitted on the alert-rules stream at the start.
 */
final class Scenarios {
    static final long MINUTE = 60_000;
    static final long MICRO_TO_MID = 3 * MINUTE;
    static final long MACRO_TO_MEGA = 5 * MINUTE;
    static final long VIRAL_START = 6 * MINUTE;
    static final long VIRAL_END = 11 * MINUTE;
    static final double VIRAL_FACTOR = 20;
    static final long SOLD_OUT = 8 * MINUTE;
    static final long RESTOCK = 40 * MINUTE;
    static final long RATE_CHANGE = 15 * MINUTE;
    static final long RULE_DELETED = 20 * MINUTE;
    static final long BONUS_ENDS = 30 * MINUTE;
    static final long CPA_SPEND_EVERY_MS = 5 * MINUTE;
    static final String CPA_CREATOR_RATE = "0.30";
    /** The CPA creator's contents get this many times their audience's share of views: a hot celebrity deal. */
    static final double CPA_CREATOR_BOOST = 2;
    static final long MICRO_BEFORE = 98_800;
    static final long MICRO_AFTER = 100_600;
    static final long MACRO_BEFORE = 992_000;
    static final long MACRO_AFTER = 1_004_000;
    /** Other contents (besides the viral one) that push the product that will sell out. */
    private static final int PUSHING_CONTENTS = 3;

    private Scenarios() {}

    /** Who plays which part, as indexes into the catalog. */
    static final class Cast {
        int cpaCreator;
        int cpaMerchant;
        int macroCrossing;
        int microCrossing;
        int viralCreator;
        int viralContent;
        int pushedProduct;
    }

    /** Picks the actors once the creators exist, and sets the followers of the tier-crossing creators. */
    static Cast cast(Catalog catalog, GeneratorSettings settings) {
        Catalog.Influencer[] creators = catalog.creators;
        Cast cast = new Cast();
        cast.cpaMerchant = catalog.merchants.length - 1;
        cast.cpaCreator = firstBelow(creators, 1_000_000, -1);
        cast.macroCrossing = firstBelow(creators, 1_000_000, cast.cpaCreator);
        cast.microCrossing = firstBelow(creators, 100_000, cast.macroCrossing);
        cast.viralCreator = Math.max(cast.microCrossing + 1, creators.length / 10);
        creators[cast.macroCrossing].followers = MACRO_BEFORE;
        creators[cast.microCrossing].followers = MICRO_BEFORE;
        // The pushed product belongs to the first merchant; its first product.
        cast.pushedProduct = catalog.merchants[0].firstProduct;
        if (cast.viralCreator >= creators.length) throw new IllegalStateException("too few creators for the scenarios");
        cast.viralContent = -1; // chosen by stage(), once contents exist
        return cast;
    }

    /** Rank order: the first creator after {@code after} with fewer followers than the bound. */
    private static int firstBelow(Catalog.Influencer[] creators, long bound, int after) {
        for (int i = after + 1; i < creators.length; i++) {
            if (creators[i].followers < bound) return i;
        }
        throw new IllegalStateException("too few creators for the scenarios");
    }

    /** Once the contents exist: the CPA creator sells for the thin-margin merchant; the pushed product is featured. */
    static void stage(Catalog catalog, Cast cast, Draw draw) {
        Catalog.Influencer cpa = catalog.creators[cast.cpaCreator];
        for (int c : cpa.contents) {
            catalog.contents[c].feature(cast.cpaMerchant, catalog.pickProducts(cast.cpaMerchant, 2, draw),
                    catalog.items);
        }
        Catalog.Item pushed = catalog.items[cast.pushedProduct];
        int sibling = cast.pushedProduct + 1;
        cast.viralContent = catalog.creators[cast.viralCreator].contents[0];
        catalog.contents[cast.viralContent].feature(pushed.merchant, new int[] {cast.pushedProduct, sibling},
                catalog.items);
        // A few more creators (spread over the ranks) push the same product in their first content.
        int step = Math.max(1, catalog.creators.length / (PUSHING_CONTENTS + 1));
        for (int k = 1; k <= PUSHING_CONTENTS; k++) {
            int creator = (cast.viralCreator + k * step) % catalog.creators.length;
            if (creator == cast.cpaCreator || creator == cast.viralCreator) continue;
            catalog.contents[catalog.creators[creator].contents[0]].feature(pushed.merchant,
                    new int[] {cast.pushedProduct}, catalog.items);
        }
    }

    /** Demo alert rules that catch the stories above in 1-minute windows. */
    static List<AlertRule> alertRules(long ts) {
        List<AlertRule> rules = new ArrayList<>();
        AlertRule viral = rule("sim-viral-content", ts, "CONTENT", "views", ">");
        viral.baselineWindows = 5;
        viral.baselineFactor = 10.0;
        viral.minSampleMetric = "views";
        viral.minSampleValue = 100.0;
        rules.add(viral);
        AlertRule stock = rule("sim-out-of-stock-clicked", ts, "PRODUCT", "stock", "<=");
        stock.thresholdValue = 0.0;
        stock.minSampleMetric = "clicks";
        stock.minSampleValue = 5.0;
        rules.add(stock);
        AlertRule cpa = rule("sim-cpa-above-margin", ts, "CREATOR", "cpa", ">");
        cpa.thresholdMetric = "marginPerOrder";
        cpa.minSampleMetric = "attributedOrders";
        cpa.minSampleValue = 3.0;
        rules.add(cpa);
        return rules;
    }

    private static AlertRule rule(String id, long ts, String dimension, String metric, String op) {
        AlertRule r = new AlertRule();
        r.ruleId = id;
        r.ts = ts;
        r.dimension = dimension;
        r.windowMs = MINUTE;
        r.metric = metric;
        r.op = op;
        return r;
    }
}
