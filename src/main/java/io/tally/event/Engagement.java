package io.tally.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.io.Json;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Required;
import io.tally.io.WireFormat.Word;

import java.util.Objects;

/** A like, comment or share on a creator's content (stream {@code engagements}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Engagement implements Event {
    @Required @Id public String eventId;
    @Required public long ts;
    @Required @Id public String userId;
    @Required @Id public String creatorId;
    @Required @Id public String contentId;
    @Required public ContentType contentType;
    @Word public String contentFormat = ContentType.OTHER_FORMAT;
    @Required public EngagementKind kind;

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
