package io.tally.attribution;

import io.tally.event.Click;
import io.tally.event.View;

import java.util.Comparator;
import java.util.Objects;

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

    public TouchPoint() {}

    public TouchPoint(String eventId, long ts, String creatorId, String contentId, String contentFormat) {
        this.eventId = eventId;
        this.ts = ts;
        this.creatorId = creatorId;
        this.contentId = contentId;
        this.contentFormat = contentFormat;
    }

    public static TouchPoint of(Click c) {
        return new TouchPoint(c.eventId, c.ts, c.creatorId, c.contentId, c.contentFormat);
    }

    public static TouchPoint of(View v) {
        return new TouchPoint(v.eventId, v.ts, v.creatorId, v.contentId, v.contentFormat);
    }

    /** Whether this touch and another credit the same (creatorId, contentId): their weights are merged. */
    public boolean sameContent(TouchPoint o) {
        return creatorId.equals(o.creatorId) && contentId.equals(o.contentId);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TouchPoint)) return false;
        TouchPoint t = (TouchPoint) o;
        return ts == t.ts && Objects.equals(eventId, t.eventId) && Objects.equals(creatorId, t.creatorId)
                && Objects.equals(contentId, t.contentId) && Objects.equals(contentFormat, t.contentFormat);
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
