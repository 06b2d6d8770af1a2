package io.tally.attribution;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One attribution record (CONTRACT section 3): an order line, or the share of it credited to one creator and
 * content, under one model; or the reversal of such a record by a cancel or refund. Money in cents.
 */
public class Attribution {
    public String orderId;
    public String lineId;
    /** The order's ts; for a reversal, the update's ts. */
    public long ts;
    public String userId;
    public String merchantId;
    public String productId;
    public long quantity;
    public long lineAmountCents;
    public Model model;
    public Touch touch;
    public String touchEventId;
    public Long touchTs;
    public String creatorId;
    public String contentId;
    public String contentFormat;
    /** Tier name; null for touch NONE. */
    public String tier;
    public double weight;
    public long amountCents;
    /** Effective rate (rate + bonusRate); null for touch NONE. */
    public BigDecimal commissionRate;
    public long commissionCents;
    /** Null when the product's unit cost is unknown at ts. */
    public Long marginCents;
    public boolean newCustomer;
    public boolean selfPurchase;
    public boolean reversal;
    public String updateEventId;
    public String updateKind;

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

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Attribution)) return false;
        Attribution a = (Attribution) o;
        return ts == a.ts && quantity == a.quantity && lineAmountCents == a.lineAmountCents
                && Double.compare(weight, a.weight) == 0 && amountCents == a.amountCents
                && commissionCents == a.commissionCents && newCustomer == a.newCustomer
                && selfPurchase == a.selfPurchase && reversal == a.reversal
                && Objects.equals(orderId, a.orderId) && Objects.equals(lineId, a.lineId)
                && Objects.equals(userId, a.userId) && Objects.equals(merchantId, a.merchantId)
                && Objects.equals(productId, a.productId) && model == a.model && touch == a.touch
                && Objects.equals(touchEventId, a.touchEventId) && Objects.equals(touchTs, a.touchTs)
                && Objects.equals(creatorId, a.creatorId) && Objects.equals(contentId, a.contentId)
                && Objects.equals(contentFormat, a.contentFormat) && Objects.equals(tier, a.tier)
                && (commissionRate == null ? a.commissionRate == null
                        : a.commissionRate != null && commissionRate.compareTo(a.commissionRate) == 0)
                && Objects.equals(marginCents, a.marginCents) && Objects.equals(updateEventId, a.updateEventId)
                && Objects.equals(updateKind, a.updateKind);
    }

    @Override
    public int hashCode() {
        return Objects.hash(orderId, lineId, ts, model, creatorId, contentId, updateEventId);
    }

    @Override
    public String toString() {
        return "Attribution{" + orderId + "/" + lineId + " ts=" + ts + " user=" + userId + " merchant=" + merchantId
                + " product=" + productId + " qty=" + quantity + " line=" + lineAmountCents + "c " + model + " "
                + touch + " touch=" + touchEventId + "@" + touchTs + " creator=" + creatorId + " content="
                + contentId + " " + contentFormat + " " + tier + " w=" + weight + " amount=" + amountCents
                + "c rate=" + commissionRate + " commission=" + commissionCents + "c margin=" + marginCents
                + "c new=" + newCustomer + " self=" + selfPurchase
                + (reversal ? " REVERSAL " + updateKind + " " + updateEventId : "") + "}";
    }
}
