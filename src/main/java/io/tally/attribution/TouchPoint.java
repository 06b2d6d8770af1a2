package io.tally.attribution;

import io.tally.event.Click;
import io.tally.event.View;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.Set;

/**
 * The part of a click or view that attribution keeps in state: who showed what, when. Ordered by (ts, eventId), the
 * contract's tie-break between touches.
 */
public class TouchPoint {
    public static final Comparator<TouchPoint> BY_TS_THEN_EVENT_ID =
            Comparator.<TouchPoint>comparingLong(t -> t.ts).thenComparing(t -> t.eventId);

    public String eventId;
    public long ts;
    public String creatorId;
    public String contentId;
    public String contentFormat;
    /**
     * The products it was a touch for: a click's product, or the products of a view that it can still be the last view
     * of ({@link UserHistory}).
     */
    public String[] productIds = NO_PRODUCTS;

    private static final String[] NO_PRODUCTS = new String[0];

    public TouchPoint() {}

    public TouchPoint(String eventId, long ts, String creatorId, String contentId, String contentFormat) {
        this.eventId = eventId;
        this.ts = ts;
        this.creatorId = creatorId;
        this.contentId = contentId;
        this.contentFormat = contentFormat;
    }

    public static TouchPoint of(Click c) {
        TouchPoint t = new TouchPoint(c.eventId, c.ts, c.creatorId, c.contentId, c.contentFormat);
        t.productIds = new String[] {c.productId};
        return t;
    }

    public static TouchPoint of(View v) {
        TouchPoint t = new TouchPoint(v.eventId, v.ts, v.creatorId, v.contentId, v.contentFormat);
        t.productIds = v.productIds.clone(); // pruned in place later: never the view's own array
        return t;
    }

    public boolean shows(String productId) {
        for (String p : productIds) {
            if (p.equals(productId)) return true;
        }
        return false;
    }

    /** Its products not in {@code products}: this touch's own array when none is. */
    String[] productIdsNotIn(Set<String> products) {
        int left = 0;
        for (String p : productIds) {
            if (!products.contains(p)) left++;
        }
        if (left == productIds.length) return productIds;
        String[] result = new String[left];
        int i = 0;
        for (String p : productIds) {
            if (!products.contains(p)) result[i++] = p;
        }
        return result;
    }

    /** Whether this touch and another credit the same (creatorId, contentId): their weights are merged. */
    public boolean sameContent(TouchPoint o) {
        return creatorId.equals(o.creatorId) && contentId.equals(o.contentId);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TouchPoint t)) return false;
        return ts == t.ts && Objects.equals(eventId, t.eventId) && Objects.equals(creatorId, t.creatorId)
                && Objects.equals(contentId, t.contentId) && Objects.equals(contentFormat, t.contentFormat)
                && Arrays.equals(productIds, t.productIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, ts);
    }

    @Override
    public String toString() {
        return eventId + "@" + ts + "(" + creatorId + "/" + contentId + ")";
    }
}
