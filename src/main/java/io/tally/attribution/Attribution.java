package io.tally.attribution;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.event.Record;
import io.tally.event.Tier;
import io.tally.event.UpdateKind;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
import io.tally.io.Validated;
import io.tally.io.WireFormat.AtLeast;
import io.tally.io.WireFormat.Cents;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Normalized;
import io.tally.io.WireFormat.OneOf;
import io.tally.io.WireFormat.Required;
import io.tally.io.WireFormat.Sign;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One attribution record (CONTRACT section 3): an order line, or the share of it credited to one creator and
 * content, under one model; or the reversal of such a record by a cancel or refund. Money in cents.
 */
public class Attribution implements Record, Validated {
    @Required @Id public String orderId;
    @Required @Id public String lineId;
    /** The order's ts; for a reversal, the update's ts. */
    @Required public long ts;
    @Required @Id public String userId;
    @Required @Id public String merchantId;
    @Required @Id public String productId;
    @Required @AtLeast(1) public long quantity;
    @Required @Cents(Sign.ANY) public long lineAmountCents;
    @Required public Model model;
    @Required public Touch touch;
    @Id public String touchEventId;
    public Long touchTs;
    @Id public String creatorId;
    @Id public String contentId;
    public String contentFormat;
    /** Tier name; null for touch NONE. */
    @OneOf(Tier.class) public String tier;
    @Required public double weight;
    @Required @Cents(Sign.ANY) public long amountCents;
    /** Effective rate (rate + bonusRate); null for touch NONE. */
    @Normalized public BigDecimal commissionRate;
    @Required @Cents(Sign.ANY) public long commissionCents;
    /** Null when the product's unit cost is unknown at ts. */
    @Cents(Sign.ANY) public Long marginCents;
    public boolean newCustomer;
    public boolean selfPurchase;
    public boolean reversal;
    @Id @JsonInclude(JsonInclude.Include.NON_NULL) public String updateEventId;
    @OneOf(UpdateKind.class) @JsonInclude(JsonInclude.Include.NON_NULL) public String updateKind;

    public Attribution() {}

    /** A copy of this record (reversals start from a copy of the record they reverse). */
    public Attribution copy() {
        Attribution a = new Attribution();
        a.orderId = orderId;
        a.lineId = lineId;
        a.ts = ts;
        a.userId = userId;
        a.merchantId = merchantId;
        a.productId = productId;
        a.quantity = quantity;
        a.lineAmountCents = lineAmountCents;
        a.model = model;
        a.touch = touch;
        a.touchEventId = touchEventId;
        a.touchTs = touchTs;
        a.creatorId = creatorId;
        a.contentId = contentId;
        a.contentFormat = contentFormat;
        a.tier = tier;
        a.weight = weight;
        a.amountCents = amountCents;
        a.commissionRate = commissionRate;
        a.commissionCents = commissionCents;
        a.marginCents = marginCents;
        a.newCustomer = newCustomer;
        a.selfPurchase = selfPurchase;
        a.reversal = reversal;
        a.updateEventId = updateEventId;
        a.updateKind = updateKind;
        return a;
    }

    /** The tier, typed (the field keeps the string: Flink state holds attributions with it); null for touch NONE. */
    public Tier tier() {
        return tier == null ? null : Tier.valueOf(tier);
    }

    /** CANCEL or REFUND for a reversal, typed as {@link #tier()} is; null otherwise. */
    public UpdateKind updateKind() {
        return updateKind == null ? null : UpdateKind.valueOf(updateKind);
    }

    @Override
    public long eventTime() {
        return ts;
    }

    @Override
    public String kafkaKey() {
        return orderId;
    }

    /** An attributed line names its creator, content and tier; a reversal names the update that made it. */
    @Override
    public void validate() throws InvalidRecordException {
        if (reversal && updateEventId == null) throw InvalidRecordException.missing("updateEventId", false);
        if (reversal && updateKind == null) throw InvalidRecordException.missing("updateKind", false);
        if (!reversal) {
            // Only a reversal names an update: what another record says of one is not Tally's and is not kept.
            updateEventId = null;
            updateKind = null;
        }
        if (touch != Touch.NONE && (creatorId == null || contentId == null || tier == null)) {
            throw InvalidRecordException.invalid("creatorId", "an attributed line needs creatorId, contentId and tier");
        }
    }

    /** Records are equal when they say the same on the wire. */
    @Override
    public boolean equals(Object o) {
        return Json.same(this, o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(orderId, lineId, ts, model, creatorId, contentId, updateEventId);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
