package io.tally.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.io.Json;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Required;
import io.tally.io.WireFormat.Word;
import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Objects;

/** A click on the product link shown in a creator's content (stream {@code clicks}). */
@TypeInfo(ClickSerializer.Factory.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Click implements Event {
    @Required @Id public String eventId;
    @Required public long ts;
    @Required @Id public String userId;
    @Required @Id public String creatorId;
    @Required @Id public String contentId;
    @Required public ContentType contentType;
    @Required @Id public String productId;
    @Required @Id public String merchantId;
    @Word public String contentFormat = ContentType.OTHER_FORMAT;

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
