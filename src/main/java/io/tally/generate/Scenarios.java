package io.tally.generate;

import io.tally.event.AlertRule;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The deliberate stories the simulation tells, each timed so that the default alert rules of
 * {@code jobs/alerts.yaml} find it (offsets are from the start of the simulated clock):
 * <ol>
 *   <li><b>Viral content</b> (rule {@code viral-spike}: CONTENT 1m views &gt; 10 x the mean of the previous 30
 *       windows, at least 15 of them known, min 100 views): one content of a MICRO creator has steady views of its
 *       own (0.2% of all views, and at least one a second where that stays below 5% of all views) from the start,
 *       then {@link #VIRAL_FACTOR}x as many from {@link #VIRAL_START} to {@link #VIRAL_END}, then back to normal.
 *       The 20 quiet minutes before give the baseline its 15 windows.</li>
 *   <li><b>Promoted while out of stock</b> (rule {@code stock-out-while-promoted}: PRODUCT 1m stock &lt;= 0 with a
 *       click): the viral content and a few others feature a pushed product. At {@link #SOLD_OUT}, in the middle of
 *       the surge, the merchant reports it sold out (a product version with stock 0) while shoppers keep clicking;
 *       orders for it stop (lost sales) until the restock at {@link #RESTOCK}. Products also sell out and restock
 *       on their own as orders drain their stock.</li>
 *   <li><b>CPA above margin</b> (rule {@code cpa-above-margin}: CREATOR 1h cpa &gt; marginPerOrder, min 5
 *       attributed orders): the biggest MACRO creator sells only for a thin-margin merchant (6-12% margin) on a
 *       creator plan of {@link #CPA_CREATOR_RATE} commission, with {@link #CPA_CREATOR_BOOST}x its audience's share
 *       of views, and gets an ADS spend every {@link #CPA_SPEND_EVERY_MS} ms from the first minute: commission alone
 *       exceeds the margin of every order, in every window, from the first hour on.</li>
 *   <li><b>Broken link</b> (rule {@code conversion-drop}: CREATOR 1h conversionRate &lt; half the mean of the
 *       previous 24 hours, min 50 clicks): from {@link #BROKEN_LINK_START} to {@link #BROKEN_LINK_END} the top
 *       creator's product links are broken: clicks go on, none of them converts. Its hourly conversion rate falls
 *       below half its baseline in the second hour, once orders of earlier clicks have run out.</li>
 *   <li><b>Tier moves</b>: a MICRO creator (98,800 followers) crosses to MID at {@link #MICRO_TO_MID}, a MACRO
 *       creator (992,000) crosses to MEGA at {@link #MACRO_TO_MEGA}: TIER KPIs of later events use the new tier.</li>
 *   <li><b>Bad reviews of a promoted product</b> (rule {@code review-score-drop}: PRODUCT 1h avgRating &lt; 3.0,
 *       min 5 reviews, while clicks &gt;= 1): a creator's first content promotes the third product of the first
 *       merchant, and its shoppers click it at least every {@link #REVIEWED_CLICK_EVERY_MS} ms on average from the
 *       start to {@link #REVIEWS_RECOVERED_UNTIL}, at any density. From {@link #BAD_REVIEWS_START} to
 *       {@link #BAD_REVIEWS_END} (most of the first hourly window and the whole second one, so that even the 50
 *       simulated minutes of a small replay hold a breaching window) a defective batch reaches buyers: every review of the
 *       product rates it 1 or 2, and buyers post one in every {@link #STORY_REVIEW_EVERY_MS} ms (12 an hour,
 *       besides the product's own reviews; naming an earlier order of theirs for the product when there is one). From then to
 *       {@link #REVIEWS_RECOVERED_UNTIL} the replacement batch is reviewed as often, as the good product it is
 *       (mostly 4 and 5): the next hourly window no longer breaches.</li>
 *   <li><b>Commission program changes</b>: a product launch bonus expires at {@link #BONUS_ENDS}, the first
 *       merchant's default rate changes at {@link #RATE_CHANGE}, a product rule is deleted at
 *       {@link #RULE_DELETED}.</li>
 * </ol>
 * With {@link GeneratorSettings#alertRules}, the alert-rules stream carries an analyst's rule added at run time: a
 * faster CPA check on 1-minute windows ({@code sim-cpa-fast}, firing after 2 breaching minutes), in force from the
 * start and switched off (a new version with enabled false) at {@link #FAST_CPA_RULE_OFF}.
 */
final class Scenarios {
    static final long MINUTE = 60_000;
    static final long HOUR = 60 * MINUTE;
    static final long MICRO_TO_MID = 3 * MINUTE;
    static final long MACRO_TO_MEGA = 5 * MINUTE;
    static final long VIRAL_START = 20 * MINUTE;
    static final long VIRAL_END = 25 * MINUTE;
    static final double VIRAL_FACTOR = 20;
    static final long SOLD_OUT = 22 * MINUTE;
    static final long RESTOCK = 55 * MINUTE;
    static final long RATE_CHANGE = 15 * MINUTE;
    static final long RULE_DELETED = 20 * MINUTE;
    static final long BONUS_ENDS = 30 * MINUTE;
    static final long FAST_CPA_RULE_OFF = HOUR;
    static final long BROKEN_LINK_START = 14 * HOUR;
    static final long BROKEN_LINK_END = 17 * HOUR;
    static final long CPA_SPEND_EVERY_MS = 5 * MINUTE;
    static final long BAD_REVIEWS_START = 10 * MINUTE;
    static final long BAD_REVIEWS_END = 2 * HOUR;
    static final long REVIEWS_RECOVERED_UNTIL = 3 * HOUR;
    static final long STORY_REVIEW_EVERY_MS = 5 * MINUTE;
    static final long REVIEWED_CLICK_EVERY_MS = 3 * MINUTE;
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
        int brokenLinkCreator;
        int cpaCreator;
        int cpaMerchant;
        int macroCrossing;
        int microCrossing;
        int viralCreator;
        int viralContent;
        int pushedProduct;
        /** The product of the bad-reviews story, and the creator whose first content promotes it. */
        int reviewedProduct;
        int reviewedCreator;
    }

    /** Picks the actors once the creators exist, and sets the followers of the tier-crossing creators. */
    static Cast cast(Catalog catalog) {
        Catalog.Influencer[] creators = catalog.creators;
        Cast cast = new Cast();
        cast.brokenLinkCreator = 0;
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
        // The first merchant's third product (the first two are the pushed one and its sibling).
        cast.reviewedProduct = catalog.merchants[0].firstProduct + 2;
        cast.reviewedCreator = -1; // chosen by stage(), once the pushing creators are known
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
        Set<Integer> taken = new HashSet<>(List.of(cast.brokenLinkCreator,
                cast.cpaCreator, cast.macroCrossing, cast.microCrossing, cast.viralCreator));
        for (int k = 1; k <= PUSHING_CONTENTS; k++) {
            int creator = (cast.viralCreator + k * step) % catalog.creators.length;
            if (creator == cast.cpaCreator || creator == cast.viralCreator) continue;
            taken.add(creator);
            catalog.contents[catalog.creators[creator].contents[0]].feature(pushed.merchant,
                    new int[] {cast.pushedProduct}, catalog.items);
        }
        // The bad-reviews story: a creator with no other part (from a fifth down the ranks) promotes its product.
        int reviewer = catalog.creators.length / 5;
        while (taken.contains(reviewer)) reviewer = (reviewer + 1) % catalog.creators.length;
        cast.reviewedCreator = reviewer;
        catalog.contents[catalog.creators[reviewer].contents[0]].feature(pushed.merchant,
                new int[] {cast.reviewedProduct}, catalog.items);
    }

    /** The analyst's fast CPA rule: in force from the start, switched off after an hour. */
    static List<AlertRule> alertRules(long start) {
        AlertRule fast = rule("sim-cpa-fast", start, "CREATOR", "cpa", ">");
        fast.thresholdMetric = "marginPerOrder";
        fast.minSampleMetric = "attributedOrders";
        fast.minSampleValue = 3.0;
        fast.forWindows = 2;
        // Switching a rule off takes only its id, the time and enabled false.
        AlertRule off = new AlertRule();
        off.ruleId = fast.ruleId;
        off.ts = start + FAST_CPA_RULE_OFF;
        off.enabled = false;
        return List.of(fast, off);
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
