package io.tally.event;

import java.util.Objects;

/** A like, comment or share on a creator's content (stream {@code engagements}). */
public class Engagement {
    public String eventId;
    public long ts;
    public String userId;
    public String creatorId;
    public String contentId;
    public ContentType contentType;
    public String contentFormat;
    public EngagementKind kind;

    public Engagement() {}

    public Engagement(String eventId, long ts, String userId, String creatorId, String contentId,
                      ContentType contentType, String contentFormat, EngagementKind kind) {
        this.eventId = eventId;
        this.ts = ts;
        this.userId = userId;
        this.creatorId = creatorId;
        this.contentId = contentId;
        this.contentType = contentType;
        this.contentFormat = contentFormat;
        this.kind = kind;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Engagement)) return false;
        Engagement e = (Engagement) o;
        return ts == e.ts && Objects.equals(eventId, e.eventId) && Objects.equals(userId, e.userId)
                && Objects.equals(creatorId, e.creatorId) && Objects.equals(contentId, e.contentId)
                && contentType == e.contentType && Objects.equals(contentFormat, e.contentFormat) && kind == e.kind;
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, ts, userId);
    }

    @Override
    public String toString() {
        return "Engagement{" + eventId + " ts=" + ts + " user=" + userId + " creator=" + creatorId + " content="
                + contentId + " " + kind + "}";
    }
}
