package io.tally.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.io.Json;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Required;
import io.tally.io.WireFormat.Word;
import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Objects;

/** A viewer saw a creator's content (CONTRACT section 2, stream {@code views}). */
@TypeInfo(ViewSerializer.Factory.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class View implements Event {
    /** Products of one view: the contract sets no bound, this one keeps a view's KPI fan-out bounded like an order's. */
    public static final int MAX_PRODUCT_IDS = 1000;

    @Required @Id public String eventId;
    @Required public long ts;
    @Required @Id public String userId;
    @Required @Id public String creatorId;
    @Required @Id public String contentId;
    @Required public ContentType contentType;
    /** Upper-case word such as TUTORIAL; "OTHER" when the producer did not say. */
    @Word public String contentFormat = ContentType.OTHER_FORMAT;
    /** Products shown in the content, distinct, never null (empty when none). */
    @Id(most = MAX_PRODUCT_IDS) public String[] productIds = new String[0];

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
    public String kafkaKey() {
        return userId;
    }

    @Override
    public String id() {
        return eventId;
    }

    /** Records are equal when they say the same on the wire. */
    @Override
    public boolean equals(Object o) {
        return Json.same(this, o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, ts, userId);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
