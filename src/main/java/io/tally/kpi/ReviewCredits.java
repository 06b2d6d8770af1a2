package io.tally.kpi;

import io.tally.attribution.Attribution;
import io.tally.attribution.Touch;
import io.tally.event.Review;

import java.util.ArrayList;
import java.util.List;

/**
 * The credit rule of reviews (CONTRACT section 8), for one order: a review at R of the order's line for its product is
 * credited to that line's creator, content, tier and format when the order's ts T satisfies T <= R <= T + settlement
 * window and the line's primary attribution has touch CLICK or VIEW. Of several attributed lines of one product, the
 * first by lineId is credited. A line the primary model split over several credits (LINEAR, TIME_DECAY, ...) credits
 * the review to the one whose touch is the latest, by (touchTs, touchEventId): the click that wins the line under
 * LAST_CLICK. (The contract names one creator per line; this reading does not depend on the order the credit records
 * arrive in.)
 */
public class ReviewCredits {
    /** The order's ts, or Long.MIN_VALUE while no attributed line is known. */
    public long orderTs = Long.MIN_VALUE;
    /** The attributed lines of the order, as credits by product. */
    public List<Line> lines = new ArrayList<>();
    /** Reviews waiting for the watermark to pass their ts (by then the order's attributions are all known). */
    public List<Review> waiting = new ArrayList<>();

    /** One attributed line: its product and what a review of it is credited to. */
    public static class Line {
        public String lineId;
        public String productId;
        public long touchTs;
        public String touchEventId;
        public ReviewCredit credit;

        public Line() {}
    }

    public ReviewCredits() {}

    /** Takes a primary attribution of the order; only attributed lines (not reversals, touch CLICK or VIEW) count. */
    public boolean remember(Attribution a) {
        if (a.reversal || a.touch == Touch.NONE) return false;
        orderTs = a.ts;
        Line line = new Line();
        line.lineId = a.lineId;
        line.productId = a.productId;
        line.touchTs = a.touchTs == null ? Long.MIN_VALUE : a.touchTs;
        line.touchEventId = a.touchEventId == null ? "" : a.touchEventId;
        line.credit = ReviewCredit.of(a);
        lines.add(line);
        return true;
    }

    /** Where the review is credited, or null: counted on ALL, MERCHANT and PRODUCT only. */
    public ReviewCredit creditOf(Review r, long settlementMs) {
        if (lines.isEmpty() || r.ts < orderTs || r.ts - orderTs > settlementMs) return null;
        Line credited = null;
        for (Line l : lines) {
            if (l.productId.equals(r.productId) && (credited == null || before(l, credited))) credited = l;
        }
        return credited == null ? null : credited.credit;
    }

    /** Whether {@code a} is credited rather than {@code b}: the smaller lineId, then the later touch. */
    private static boolean before(Line a, Line b) {
        int byLine = a.lineId.compareTo(b.lineId);
        if (byLine != 0) return byLine < 0;
        if (a.touchTs != b.touchTs) return a.touchTs > b.touchTs;
        return a.touchEventId.compareTo(b.touchEventId) > 0;
    }

    public boolean isEmpty() {
        return lines.isEmpty() && waiting.isEmpty();
    }
}
