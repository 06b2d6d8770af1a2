package io.tally.attribution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What attribution remembers of one user between events (CONTRACT section 3), as one value: the clicks within the
 * click window, the views that can still be the last view of a product within the view window, and the user's last
 * order at each merchant within the customer horizon. It is read and written once per event, so the keyed state
 * costs one get and one put whatever the user did.
 *
 * <p>Everything here is decided by event time against a time {@code t} that no unattributed order is at or before
 * (the watermark, or the time of the timer being handled): every order still to come has T > t.
 */
public final class UserHistory {
    /** No prune timer is registered. */
    public static final long NO_PRUNE = Long.MIN_VALUE;

    /** Clicks in (ts, eventId) order; each touch shows one product. */
    final List<TouchPoint> clicks;
    /** Views in (ts, eventId) order, each with the products it can still be the last view of. */
    final List<TouchPoint> views;
    /** ts of the user's last order at each merchant. */
    final Map<String, Long> lastOrderAt;
    /** The time of the user's registered prune timer, or {@link #NO_PRUNE}. */
    long pruneAt = NO_PRUNE;

    public UserHistory() {
        this(new ArrayList<>(), new ArrayList<>(), new HashMap<>());
    }

    UserHistory(List<TouchPoint> clicks, List<TouchPoint> views, Map<String, Long> lastOrderAt) {
        this.clicks = clicks;
        this.views = views;
        this.lastOrderAt = lastOrderAt;
    }

    public boolean isEmpty() {
        return clicks.isEmpty() && views.isEmpty() && lastOrderAt.isEmpty();
    }

    public void addClick(TouchPoint click) {
        insert(clicks, click);
    }

    /**
     * Adds a view and forgets, of the views at or before {@code t}, each product that a later view at or before
     * {@code t} also showed: for an order at T > t, the last view of that product at or before T is not the earlier
     * one. This keeps one view per product shown before t, however many views the user makes in the view window.
     */
    public void addView(TouchPoint view, long t) {
        insert(views, view);
        forgetShadowedViews(t);
    }

    /** The clicks on {@code productId} with from <= ts <= to, in (ts, eventId) order. */
    public List<TouchPoint> clicks(String productId, long from, long to) {
        List<TouchPoint> result = new ArrayList<>(2);
        for (TouchPoint c : clicks) {
            if (c.ts > to) break;
            if (c.ts >= from && c.productIds[0].equals(productId)) result.add(c);
        }
        return result;
    }

    /** The last view, in (ts, eventId) order, that showed {@code productId} with from <= ts <= to; null if none. */
    public TouchPoint lastView(String productId, long from, long to) {
        for (int i = views.size() - 1; i >= 0; i--) {
            TouchPoint v = views.get(i);
            if (v.ts > to) continue;
            if (v.ts < from) return null;
            if (v.shows(productId)) return v;
        }
        return null;
    }

    /**
     * Records the user's order at {@code merchantId} at T and says whether it is the user's first there within the
     * horizon: no earlier order at the merchant with ts >= T - horizon. Orders of one user are recorded in (ts,
     * orderId) order.
     */
    public boolean recordOrder(String merchantId, long t, long customerHorizonMs) {
        Long previous = lastOrderAt.put(merchantId, t);
        return previous == null || previous < t - customerHorizonMs;
    }

    /** Drops what no order after {@code t} can use: touches at or before t - window, orders at or before t - horizon. */
    public void prune(long t, long clickWindowMs, long viewWindowMs, long customerHorizonMs) {
        dropUntil(clicks, t - clickWindowMs);
        dropUntil(views, t - viewWindowMs);
        lastOrderAt.values().removeIf(at -> at <= t - customerHorizonMs);
        forgetShadowedViews(t);
    }

    /** The earliest time at which {@link #prune} would drop something; Long.MAX_VALUE when empty. */
    public long nextExpiry(long clickWindowMs, long viewWindowMs, long customerHorizonMs) {
        long next = Long.MAX_VALUE;
        if (!clicks.isEmpty()) next = Math.min(next, clicks.get(0).ts + clickWindowMs);
        if (!views.isEmpty()) next = Math.min(next, views.get(0).ts + viewWindowMs);
        for (long at : lastOrderAt.values()) next = Math.min(next, at + customerHorizonMs);
        return next;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof UserHistory)) return false;
        UserHistory h = (UserHistory) o;
        return pruneAt == h.pruneAt && clicks.equals(h.clicks) && views.equals(h.views)
                && lastOrderAt.equals(h.lastOrderAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clicks, views, lastOrderAt, pruneAt);
    }

    @Override
    public String toString() {
        return "UserHistory{clicks=" + clicks + " views=" + views + " lastOrderAt=" + lastOrderAt + " pruneAt="
                + pruneAt + "}";
    }

    private static void insert(List<TouchPoint> touches, TouchPoint touch) {
        int i = touches.size();
        while (i > 0 && TouchPoint.BY_TS_THEN_EVENT_ID.compare(touches.get(i - 1), touch) > 0) i--;
        touches.add(i, touch);
    }

    private static void dropUntil(List<TouchPoint> touches, long notAfter) {
        int keepFrom = 0;
        while (keepFrom < touches.size() && touches.get(keepFrom).ts <= notAfter) keepFrom++;
        if (keepFrom > 0) touches.subList(0, keepFrom).clear();
    }

    private void forgetShadowedViews(long t) {
        Set<String> shown = new HashSet<>();
        int i = views.size() - 1;
        while (i >= 0 && views.get(i).ts > t) i--;
        for (; i >= 0; i--) {
            TouchPoint view = views.get(i);
            String[] left = view.productIdsNotIn(shown);
            for (String p : view.productIds) shown.add(p);
            if (left.length == 0) views.remove(i);
            else view.productIds = left;
        }
    }
}
