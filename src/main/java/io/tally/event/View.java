package io.tally.event;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Arrays;
import java.util.Objects;

/** A viewer saw a creator's content (CONTRACT section 2, stream {@code views}). */
@TypeInfo(ViewSerializer.Factory.class)
public class View {
    public String eventId;
    public long ts;
    public String userId;
    public String creatorId;
    public String contentId;
    public ContentType contentType;
    /** Upper-case word such as TUTORIAL; "OTHER" when the producer did not say. */
    public String contentFormat;
    /** Products shown in the content, distinct, never null (empty when none). */
    public String[] productIds;

    public View() {}

    public View(String eventId, long ts, String userId, String creatorId, String contentId,
                ContentType contentType, String contentFormat, String[] productIds) {
        this.eventId = eventId;
        this.ts = ts;
        this.userId = userId;
        this.creatorId = creatorId;
        this.contentId = contentId;
        this.contentType = contentType;
        this.contentFormat = contentFormat;
        this.productIds = productIds;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof View)) return false;
        View v = (View) o;
        return ts == v.ts && Objects.equals(eventId, v.eventId) && Objects.equals(userId, v.userId)
                && Objects.equals(creatorId, v.creatorId) && Objects.equals(contentId, v.contentId)
                && contentType == v.contentType && Objects.equals(contentFormat, v.contentFormat)
                && Arrays.equals(productIds, v.productIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, ts, userId);
    }

    @Override
    public String toString() {
        return "View{" + eventId + " ts=" + ts + " user=" + userId + " creator=" + creatorId + " content=" + contentId
                + " " + contentType + "/" + contentFormat + " products=" + Arrays.toString(productIds) + "}";
    }
}
