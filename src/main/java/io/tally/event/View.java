package io.tally.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Required;
import io.tally.io.WireFormat.Word;
import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Arrays;
import java.util.Objects;

/** A viewer saw a creator's content (CONTRACT section 2, stream {@code views}). */
@TypeInfo(ViewSerializer.Factory.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class View implements Event {
    /** Products of one view: the contract sets no bound, this one keeps a view's KPI fan-out bounded like an order's. */
    public static final int MAX_PRODUCT_IDS = 1000;

    @Required @Id
    public String eventId;
    @Required
    public long ts;
    @Required @Id
    public String userId;
    @Required @Id
    public String creatorId;
    @Required @Id
    public String contentId;
    @Required
    public ContentType contentType;
    /** Upper-case word such as TUTORIAL; "OTHER" when the producer did not say. */
    @Word
    public String contentFormat = ContentType.OTHER_FORMAT;
    /** Products shown in the content, distinct, never null (empty when none). */
    @Id(most = MAX_PRODUCT_IDS)
    public String[] productIds = new String[0];

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
    public long eventTime() {
        return ts;
    }

    @Override
    public String id() {
        return eventId;
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
