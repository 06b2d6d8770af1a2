package io.tally.kpi;

import io.tally.attribution.Attribution;
import io.tally.attribution.Touch;
import io.tally.event.Click;
import io.tally.event.Dimension;
import io.tally.event.Engagement;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.View;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What each event adds to which KPI record (CONTRACT section 4, the table "event / adds to / keys"), folded into
 * partial records per (dimension, key, window) for one batch of events. Distinct counts (orders, newCustomerOrders,
 * attributedOrders, refunds) count an order or update once per record within the batch; a batch always holds every
 * record of an order or update (they share one ts and come from one task), so the downstream sum of partials is
 * the distinct count, without keeping sets of ids per window.
 */
public final class KpiContributions {
    private static final String ALL = Dimension.ALL.name();

    private final long[] windowSizesMs;
    /** Partial records by window record (built per event and window: a record, not a concatenated string). */
    private final Map<WindowRecord, Kpi> partials = new HashMap<>();
    /** Markers of what was already counted once in this batch. */
    private final Set<Marker> counted = new HashSet<>();

    /** One KPI record: (dimension, key, window). */
    private record WindowRecord(Dimension dimension, String key, long start, long end) {}

    /** That a kind of thing (an order, a line, a refund) with this id was counted in this window record. */
    private record Marker(String kind, String id, WindowRecord window) {}
    /** The least windowEnd of the partials (MAX_VALUE when there are none). */
    private long earliestEnd = Long.MAX_VALUE;

    public KpiContributions(long[] windowSizesMs) {
        this.windowSizesMs = windowSizesMs.clone();
    }

    /** Adds one event, with the tier every creator has and no niche or category known. */
    public void add(KpiInput event, String tier) {
        add(event, KpiReferenceData.tierOnly(tier));
    }

    /** Adds one event; {@code ref} says the tiers, niches and categories in force (attributions carry their tier). */
    public void add(KpiInput event, KpiReferenceData ref) {
        if (event.view != null) addView(event.view, ref);
        else if (event.engagement != null) addEngagement(event.engagement, ref.tier(event.engagement.creatorId, event.ts()));
        else if (event.click != null) addClick(event.click, ref);
        else if (event.spend != null) addSpend(event.spend, ref.tier(event.spend.creatorId, event.ts()));
        else if (event.review != null) addReview(event.review, event.credit, ref);
        else if (event.attribution.reversal) addReversal(event.attribution, ref);
        else addAttribution(event.attribution, ref);
    }

    /** The partial records of the batch; the batch starts over empty. */
    public List<Kpi> drain() {
        List<Kpi> result = new ArrayList<>(partials.values());
        partials.clear();
        counted.clear();
        earliestEnd = Long.MAX_VALUE;
        return result;
    }

    /**
     * The partial records of the windows that the watermark closes ({@code windowEnd - 1 <= watermark}), removed from
     * the batch; the rest stay. Markers stay until {@link #drain}: no later record can count for a closed window.
     */
    public List<Kpi> drainClosing(long watermark) {
        if (earliestEnd - 1 > watermark) return List.of(); // the usual case: nothing closes, nothing to scan
        List<Kpi> closing = new ArrayList<>();
        earliestEnd = Long.MAX_VALUE;
        Iterator<Kpi> it = partials.values().iterator();
        while (it.hasNext()) {
            Kpi k = it.next();
            if (k.windowEnd - 1 <= watermark) {
                closing.add(k);
                it.remove();
            } else {
                earliestEnd = Math.min(earliestEnd, k.windowEnd);
            }
        }
        return closing;
    }

    /** The partial records of the batch so far, which stays as it is (a checkpoint of the batch). */
    public List<Kpi> partials() {
        return new ArrayList<>(partials.values());
    }

    /** Adds partial records of a checkpointed batch; partials of one window record add up. */
    public void restore(Iterable<Kpi> checkpointed) {
        for (Kpi k : checkpointed) {
            KpiMath.add(partialOf(new WindowRecord(k.dimension(), k.key, k.windowStart, k.windowEnd)), k);
        }
    }

    public boolean isEmpty() {
        return partials.isEmpty();
    }

    private void addView(View v, KpiReferenceData ref) {
        Consumer<Kpi> oneView = k -> k.views++;
        contentKeys(v.ts, v.creatorId, v.contentId, ref.tier(v.creatorId, v.ts), v.contentFormat, oneView);
        // A view shows several products: NICHE only, no CATEGORY or MATCH.
        apply(Dimension.NICHE, ref.niche(v.creatorId, v.ts), v.ts, oneView);
        // Impressions: once for each distinct product the content showed (the parser made productIds distinct).
        if (v.productIds == null) return;
        for (String productId : new LinkedHashSet<>(List.of(v.productIds))) {
            apply(Dimension.PRODUCT, productId, v.ts, oneView);
        }
    }

    private void addEngagement(Engagement e, String tier) {
        Consumer<Kpi> one = switch (e.kind) {
            case LIKE -> k -> k.likes++;
            case COMMENT -> k -> k.comments++;
            case SHARE -> k -> k.shares++;
        };
        contentKeys(e.ts, e.creatorId, e.contentId, tier, e.contentFormat, one);
    }

    private void addClick(Click c, KpiReferenceData ref) {
        Consumer<Kpi> oneClick = k -> k.clicks++;
        contentKeys(c.ts, c.creatorId, c.contentId, ref.tier(c.creatorId, c.ts), c.contentFormat, oneClick);
        apply(Dimension.MERCHANT, c.merchantId, c.ts, oneClick);
        apply(Dimension.PRODUCT, c.productId, c.ts, oneClick);
        for (String[] dk : fitKeys(c.creatorId, c.productId, c.ts, ref)) apply(Dimension.valueOf(dk[0]), dk[1], c.ts, oneClick);
    }

    /**
     * A review counts on ALL, MERCHANT and PRODUCT, and where credited on the CREATOR, CONTENT, TIER and FORMAT of the
     * reviewed line and on CATEGORY, NICHE and MATCH of its creator and product at the review's ts.
     */
    private void addReview(Review r, ReviewCredit credit, KpiReferenceData ref) {
        Consumer<Kpi> oneReview = k -> {
            k.reviews++;
            k.ratingSum += r.rating;
            if (r.negative()) k.negativeReviews++;
        };
        apply(Dimension.ALL, Dimension.ALL_KEY, r.ts, oneReview);
        apply(Dimension.MERCHANT, r.merchantId, r.ts, oneReview);
        apply(Dimension.PRODUCT, r.productId, r.ts, oneReview);
        if (credit == null) return;
        apply(Dimension.CREATOR, credit.creatorId, r.ts, oneReview);
        apply(Dimension.CONTENT, credit.contentId, r.ts, oneReview);
        apply(Dimension.TIER, credit.tier, r.ts, oneReview);
        apply(Dimension.FORMAT, credit.contentFormat, r.ts, oneReview);
        for (String[] dk : fitKeys(credit.creatorId, r.productId, r.ts, ref)) apply(Dimension.valueOf(dk[0]), dk[1], r.ts, oneReview);
    }

    /** CATEGORY of the product, NICHE of the creator and MATCH of both, at ts. */
    private static List<String[]> fitKeys(String creatorId, String productId, long ts, KpiReferenceData ref) {
        String niche = ref.niche(creatorId, ts);
        String category = ref.category(productId, ts);
        return List.of(new String[] {Dimension.CATEGORY.name(), category}, new String[] {Dimension.NICHE.name(), niche},
                new String[] {Dimension.MATCH.name(), Dimension.match(niche, category)});
    }

    private void addSpend(Spend s, String tier) {
        Consumer<Kpi> spent = k -> k.spendCents += s.amountCents;
        apply(Dimension.ALL, Dimension.ALL_KEY, s.ts, spent);
        apply(Dimension.MERCHANT, s.merchantId, s.ts, spent);
        apply(Dimension.CREATOR, s.creatorId, s.ts, spent);
        apply(Dimension.TIER, tier, s.ts, spent);
    }

    /** ALL, CREATOR, CONTENT, TIER and FORMAT: the keys of everything that happens on a creator's content. */
    private void contentKeys(long ts, String creatorId, String contentId, String tier, String format, Consumer<Kpi> c) {
        apply(Dimension.ALL, Dimension.ALL_KEY, ts, c);
        apply(Dimension.CREATOR, creatorId, ts, c);
        apply(Dimension.CONTENT, contentId, ts, c);
        apply(Dimension.TIER, tier, ts, c);
        apply(Dimension.FORMAT, format, ts, c);
    }

    private void addAttribution(Attribution a, KpiReferenceData ref) {
        boolean attributed = a.touch != Touch.NONE;
        double units = a.quantity * a.weight;
        // ALL, MERCHANT, PRODUCT: every line, gmv += lineAmount once per line.
        for (String[] dk : merchantKeys(a)) {
            forEachWindow(Dimension.valueOf(dk[0]), dk[1], a.ts, (id, k) -> {
                KpiMath.addUnits(k, units);
                if (once("line", a.orderId + "|" + a.lineId, id)) k.gmvCents += a.lineAmountCents;
                countOrder(a, id, k, attributed);
                if (attributed) addAttributedMoney(a, k);
            });
        }
        if (!attributed) return;
        // CREATOR, CONTENT, TIER, FORMAT of the winning touch, CATEGORY, NICHE and MATCH of its creator and the
        // line's product: only attributed lines, gmv += amount.
        for (String[] dk : creatorKeys(a, ref)) {
            forEachWindow(Dimension.valueOf(dk[0]), dk[1], a.ts, (id, k) -> {
                KpiMath.addUnits(k, units);
                k.gmvCents += a.amountCents;
                countOrder(a, id, k, true);
                addAttributedMoney(a, k);
            });
        }
    }

    private void countOrder(Attribution a, WindowRecord id, Kpi k, boolean attributed) {
        if (once("order", a.orderId, id)) {
            k.orders++;
            if (a.newCustomer) k.newCustomerOrders++;
        }
        if (attributed && once("attributed", a.orderId, id)) k.attributedOrders++;
    }

    private static void addAttributedMoney(Attribution a, Kpi k) {
        k.attributedGmvCents += a.amountCents;
        k.commissionCents += a.commissionCents;
        if (a.marginCents != null) k.marginCents += a.marginCents;
    }

    /** A reversal counts at the keys of the line it reverses, in the window of its own ts. */
    private void addReversal(Attribution r, KpiReferenceData ref) {
        List<String[]> keys = new ArrayList<>(merchantKeys(r));
        if (r.touch != Touch.NONE) keys.addAll(creatorKeys(r, ref));
        for (String[] dk : keys) {
            forEachWindow(Dimension.valueOf(dk[0]), dk[1], r.ts, (id, k) -> {
                if (once("refund", r.updateEventId, id)) k.refunds++;
                k.refundedAmountCents -= r.amountCents;
                k.commissionCents += r.commissionCents;
            });
        }
    }

    private static List<String[]> merchantKeys(Attribution a) {
        return List.of(new String[] {ALL, Dimension.ALL_KEY}, new String[] {Dimension.MERCHANT.name(), a.merchantId},
                new String[] {Dimension.PRODUCT.name(), a.productId});
    }

    /** The winning touch's keys; niche and category as of the record's own ts (a reversal's: its update's). */
    private static List<String[]> creatorKeys(Attribution a, KpiReferenceData ref) {
        List<String[]> keys = new ArrayList<>(List.of(new String[] {Dimension.CREATOR.name(), a.creatorId},
                new String[] {Dimension.CONTENT.name(), a.contentId}, new String[] {Dimension.TIER.name(), a.tier},
                new String[] {Dimension.FORMAT.name(), a.contentFormat}));
        keys.addAll(fitKeys(a.creatorId, a.productId, a.ts, ref));
        return keys;
    }

    private boolean once(String kind, String id, WindowRecord window) {
        return counted.add(new Marker(kind, id, window));
    }

    private void apply(Dimension dimension, String key, long ts, Consumer<Kpi> contribution) {
        forEachWindow(dimension, key, ts, (id, k) -> contribution.accept(k));
    }

    private interface WindowContribution {
        void accept(WindowRecord windowRecord, Kpi partial);
    }

    /** The partial record of (dimension, key) in each window (one per configured size) that contains ts. */
    private void forEachWindow(Dimension dimension, String key, long ts, WindowContribution contribution) {
        for (long size : windowSizesMs) {
            long start = ts - Math.floorMod(ts, size); // tumbling windows aligned to the epoch
            long end = start + size;
            WindowRecord id = new WindowRecord(dimension, key, start, end);
            contribution.accept(id, partialOf(id));
        }
    }

    /** The batch's partial record of a window record, empty if the batch had none. */
    private Kpi partialOf(WindowRecord id) {
        Kpi partial = partials.get(id);
        if (partial == null) {
            partial = KpiMath.empty(id.dimension().name(), id.key(), id.start(), id.end());
            partials.put(id, partial);
            earliestEnd = Math.min(earliestEnd, id.end());
        }
        return partial;
    }
}
