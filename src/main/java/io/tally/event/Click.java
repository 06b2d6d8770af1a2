package io.tally.event;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Objects;

/** A click on the product link shown in a creator's content (stream {@code clicks}). */
@TypeInfo(ClickSerializer.Factory.class)
public class Click {
    public String eventId;
    public long ts;
    public String userId;
    public String creatorId;
    public String contentId;
    public ContentType contentType;
    public String productId;
    public String merchantId;
    public String contentFormat;

    public Click() {}

    public Click(String eventId, long ts, String userId, String creatorId, String contentId, ContentType contentType,
                 String productId, String merchantId, String contentFormat) {
        this.eventId = eventId;
        this.ts = ts;
        this.userId = userId;
        this.creatorId = creatorId;
        this.contentId = contentId;
        this.contentType = contentType;
        this.productId = productId;
        this.merchantId = merchantId;
        this.contentFormat = contentFormat;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Click)) return false;
        Click c = (Click) o;
        return ts == c.ts && Objects.equals(eventId, c.eventId) && Objects.equals(userId, c.userId)
                && Objects.equals(creatorId, c.creatorId) && Objects.equals(contentId, c.contentId)
                && contentType == c.contentType && Objects.equals(productId, c.productId)
                && Objects.equals(merchantId, c.merchantId) && Objects.equals(contentFormat, c.contentFormat);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, ts, userId);
    }

    @Override
    public String toString() {
        return "Click{" + eventId + " ts=" + ts + " user=" + userId + " creator=" + creatorId + " content=" + contentId
                + " product=" + productId + " merchant=" + merchantId + "}";
    }
}
