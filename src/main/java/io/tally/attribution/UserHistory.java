package io.tally.attribution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What attribution knows of one user when it attributes an order or prunes (CONTRACT section 3): the clicks within the
 * click window, the views that can still be the last view of a product within the view window, and the user's last
 * order at each merchant within the customer horizon. Built from the user's state in (ts, eventId) order; the parts
 * that changed are written back.
 *
 * <p>Everything here is decided by event time against a time {@code t} that no unattributed order is at or before
 * (the time of the timer being handled): every order still to come has T > t.
 */
public final class UserHistory {
    /** Clicks in (ts, eventId) order; each touch shows one product. */
    final List<TouchPoint> clicks;
    /** Views in (ts, eventId) order, each with the products it can still be the last view of. */
    final List<TouchPoint> views;
    /** ts of the user's last order at each merchant. */
    final Map<String, Long> lastOrderAt;
    private boolean clicksChanged;
    private boolean viewsChanged;
    private boolean ordersChanged;

    public UserHistory() {
        this(List.of(), List.of(), null);
    }

    /** A user's history from its state: touches in any order, null for none. */
    public UserHistory(Iterable<TouchPoint> clicks, Iterable<TouchPoint> views, Map<String, Long> lastOrderAt) {
        this.clicks = sorted(clicks);
        this.views = sorted(views);
        this.lastOrderAt = lastOrderAt == null ? new HashMap<>() : new HashMap<>(lastOrderAt);
    }

    public boolean clicksChanged() {
        return clicksChanged;
    }

    public boolean viewsChanged() {
        return viewsChanged;
    }

    public boolean ordersChanged() {
        return ordersChanged;
    }

    public List<TouchPoint> clicks() {
        return clicks;
    }

    public List<TouchPoint> views() {
        return views;
    }

    public Map<String, Long> lastOrderAt() {
        return lastOrderAt;
    }

    public boolean isEmpty() {
        return clicks.isEmpty() && views.isEmpty() && lastOrderAt.isEmpty();
    }

    public void addClick(TouchPoint click) {
        insert(clicks, click);
        clicksChanged = true;
    }

    public void addView(TouchPoint view) {
        insert(views, view);
        viewsChanged = true;
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
        ordersChanged = true;
        return previous == null || previous < t - customerHorizonMs;
    }

    /**
     * Drops what no order after {@code t} can use: touches at or before t - window, orders at or before t - horizon,
     * and, of the views at or before t, each product that a later view at or before t also showed (for an order at
     * T > t the last view of that product is not the earlier one). The last keeps one view per product shown before t,
     * however many views the user makes in the view window.
     */
    public void prune(long t, long clickWindowMs, long viewWindowMs, long customerHorizonMs) {
        clicksChanged |= dropUntil(clicks, t - clickWindowMs);
        viewsChanged |= dropUntil(views, t - viewWindowMs);
        viewsChanged |= forgetShadowedViews(t);
        ordersChanged |= lastOrderAt.values().removeIf(at -> at <= t - customerHorizonMs);
    }

    @Override
    public String toString() {
        return "UserHistory{clicks=" + clicks + " views=" + views + " lastOrderAt=" + lastOrderAt + "}";
    }

    private static void insert(List<TouchPoint> touches, TouchPoint touch) {
        int i = touches.size();
        while (i > 0 && TouchPoint.BY_TS_THEN_EVENT_ID.compare(touches.get(i - 1), touch) > 0) i--;
        touches.add(i, touch);
    }

    private static List<TouchPoint> sorted(Iterable<TouchPoint> touches) {
        List<TouchPoint> list = new ArrayList<>();
        if (touches != null) touches.forEach(list::add);
        list.sort(TouchPoint.BY_TS_THEN_EVENT_ID);
        return list;
    }

    private static boolean dropUntil(List<TouchPoint> touches, long notAfter) {
        int keepFrom = 0;
        while (keepFrom < touches.size() && touches.get(keepFrom).ts <= notAfter) keepFrom++;
        touches.subList(0, keepFrom).clear();
        return keepFrom > 0;
    }

    private boolean forgetShadowedViews(long t) {
        boolean changed = false;
        Set<String> shown = new HashSet<>();
        int i = views.size() - 1;
        while (i >= 0 && views.get(i).ts > t) i--;
        for (; i >= 0; i--) {
            TouchPoint view = views.get(i);
            String[] left = view.productIdsNotIn(shown);
            for (String p : view.productIds) shown.add(p);
            if (left.length == 0) {
                views.remove(i);
                changed = true;
            } else if (left != view.productIds) {
                view.productIds = left;
                changed = true;
            }
        }
        return changed;
    }
}
