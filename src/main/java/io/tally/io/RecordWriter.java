package io.tally.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import io.tally.alert.Alert;
import io.tally.attribution.Attribution;
import io.tally.event.Durations;
import io.tally.event.AlertRule;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.Money;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Spend;
import io.tally.event.View;
import io.tally.kpi.Kpi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * Writes every record type as the one-line JSON object of the contract: money as a number with 2 decimals, field
 * names as CONTRACT.md spells them. Output records always carry every field (null where the contract says so);
 * input records leave out absent optional fields. Stateless and thread-safe.
 */
public final class RecordWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private RecordWriter() {}

    /** Any record of the contract, dispatched on its type. */
    public static String toJson(Object record) {
        if (record instanceof Attribution) return toJson((Attribution) record);
        if (record instanceof Kpi) return toJson((Kpi) record);
        if (record instanceof Alert) return toJson((Alert) record);
        if (record instanceof DeadLetter) return toJson((DeadLetter) record);
        if (record instanceof View) return toJson((View) record);
        if (record instanceof Engagement) return toJson((Engagement) record);
        if (record instanceof Click) return toJson((Click) record);
        if (record instanceof Order) return toJson((Order) record);
        if (record instanceof OrderUpdate) return toJson((OrderUpdate) record);
        if (record instanceof CommissionRule) return toJson((CommissionRule) record);
        if (record instanceof Product) return toJson((Product) record);
        if (record instanceof Creator) return toJson((Creator) record);
        if (record instanceof Spend) return toJson((Spend) record);
        if (record instanceof AlertRule) return toJson((AlertRule) record);
        throw new IllegalArgumentException("not a record of the contract: " + record.getClass().getName());
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        SegmentedStringWriter out = new SegmentedStringWriter(new BufferRecycler());
        try {
            try (JsonGenerator g = FACTORY.createGenerator(out)) {
                g.writeStartObject();
                body.write(g);
                g.writeEndObject();
            }
            return out.getAndClear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void money(JsonGenerator g, String field, long cents) throws IOException {
        g.writeNumberField(field, Money.toDecimal(cents));
    }

    private static void money(JsonGenerator g, String field, Long cents) throws IOException {
        if (cents == null) g.writeNullField(field);
        else g.writeNumberField(field, Money.toDecimal(cents));
    }

    private static void optMoney(JsonGenerator g, String field, Long cents) throws IOException {
        if (cents != null) g.writeNumberField(field, Money.toDecimal(cents));
    }

    private static void string(JsonGenerator g, String field, String value) throws IOException {
        if (value == null) g.writeNullField(field);
        else g.writeStringField(field, value);
    }

    private static void optString(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) g.writeStringField(field, value);
    }

    private static void number(JsonGenerator g, String field, Long value) throws IOException {
        if (value == null) g.writeNullField(field);
        else g.writeNumberField(field, value);
    }

    private static void number(JsonGenerator g, String field, Double value) throws IOException {
        if (value == null) g.writeNullField(field);
        else g.writeNumberField(field, value);
    }

    private static void decimal(JsonGenerator g, String field, BigDecimal value) throws IOException {
        if (value == null) g.writeNullField(field);
        else g.writeNumberField(field, value.stripTrailingZeros().scale() < 0 ? value.setScale(0) : value.stripTrailingZeros());
    }

    // ---- outputs ----

    public static String toJson(Attribution a) {
        return write(g -> {
            g.writeStringField("orderId", a.orderId);
            g.writeStringField("lineId", a.lineId);
            g.writeNumberField("ts", a.ts);
            g.writeStringField("userId", a.userId);
            g.writeStringField("merchantId", a.merchantId);
            g.writeStringField("productId", a.productId);
            g.writeNumberField("quantity", a.quantity);
            money(g, "lineAmount", a.lineAmountCents);
            g.writeStringField("model", a.model.name());
            g.writeStringField("touch", a.touch.name());
            string(g, "touchEventId", a.touchEventId);
            number(g, "touchTs", a.touchTs);
            string(g, "creatorId", a.creatorId);
            string(g, "contentId", a.contentId);
            string(g, "contentFormat", a.contentFormat);
            string(g, "tier", a.tier);
            g.writeNumberField("weight", a.weight);
            money(g, "amount", a.amountCents);
            decimal(g, "commissionRate", a.commissionRate);
            money(g, "commission", a.commissionCents);
            money(g, "margin", a.marginCents);
            g.writeBooleanField("newCustomer", a.newCustomer);
            g.writeBooleanField("selfPurchase", a.selfPurchase);
            g.writeBooleanField("reversal", a.reversal);
            if (a.reversal) {
                g.writeStringField("updateEventId", a.updateEventId);
                g.writeStringField("updateKind", a.updateKind);
            }
        });
    }

    public static String toJson(Kpi k) {
        return write(g -> {
            g.writeStringField("dimension", k.dimension);
            g.writeStringField("key", k.key);
            g.writeNumberField("windowStart", k.windowStart);
            g.writeNumberField("windowEnd", k.windowEnd);
            g.writeBooleanField("final", k.isFinal);
            g.writeNumberField("views", k.views);
            g.writeNumberField("likes", k.likes);
            g.writeNumberField("comments", k.comments);
            g.writeNumberField("shares", k.shares);
            g.writeNumberField("clicks", k.clicks);
            g.writeNumberField("units", k.units);
            money(g, "gmv", k.gmvCents);
            g.writeNumberField("orders", k.orders);
            g.writeNumberField("newCustomerOrders", k.newCustomerOrders);
            g.writeNumberField("attributedOrders", k.attributedOrders);
            money(g, "attributedGmv", k.attributedGmvCents);
            money(g, "commission", k.commissionCents);
            money(g, "margin", k.marginCents);
            g.writeNumberField("refunds", k.refunds);
            money(g, "refundedAmount", k.refundedAmountCents);
            money(g, "spend", k.spendCents);
            number(g, "engagementRate", k.engagementRate);
            number(g, "ctr", k.ctr);
            money(g, "aov", k.aovCents);
            number(g, "conversionRate", k.conversionRate);
            money(g, "cpa", k.cpaCents);
            number(g, "newCustomerRate", k.newCustomerRate);
            money(g, "netGmv", k.netGmvCents);
            money(g, "marginPerOrder", k.marginPerOrderCents);
            number(g, "gmvShare", k.gmvShare);
            number(g, "stock", k.stock);
        });
    }

    public static String toJson(Alert a) {
        return write(g -> {
            g.writeStringField("alertId", a.alertId);
            g.writeStringField("ruleId", a.ruleId);
            g.writeStringField("dimension", a.dimension);
            g.writeStringField("key", a.key);
            g.writeStringField("metric", a.metric);
            g.writeStringField("op", a.op);
            number(g, "value", a.value);
            number(g, "threshold", a.threshold);
            g.writeStringField("state", a.state.name());
            g.writeNumberField("windowStart", a.windowStart);
            g.writeNumberField("windowEnd", a.windowEnd);
            g.writeNumberField("ts", a.ts);
        });
    }

    public static String toJson(DeadLetter d) {
        return write(g -> {
            g.writeStringField("stream", d.stream);
            g.writeStringField("reason", d.reason.name());
            string(g, "detail", d.detail);
            string(g, "payload", d.payload);
            string(g, "topic", d.topic);
            if (d.partition == null) g.writeNullField("partition");
            else g.writeNumberField("partition", d.partition);
            number(g, "offset", d.offset);
        });
    }

    // ---- inputs (the generator writes these; absent optional fields are left out) ----

    public static String toJson(View v) {
        return write(g -> {
            g.writeStringField("eventId", v.eventId);
            g.writeNumberField("ts", v.ts);
            g.writeStringField("userId", v.userId);
            g.writeStringField("creatorId", v.creatorId);
            g.writeStringField("contentId", v.contentId);
            g.writeStringField("contentType", v.contentType.name());
            optString(g, "contentFormat", v.contentFormat);
            if (v.productIds != null) {
                g.writeArrayFieldStart("productIds");
                for (String p : v.productIds) g.writeString(p);
                g.writeEndArray();
            }
        });
    }

    public static String toJson(Engagement e) {
        return write(g -> {
            g.writeStringField("eventId", e.eventId);
            g.writeNumberField("ts", e.ts);
            g.writeStringField("userId", e.userId);
            g.writeStringField("creatorId", e.creatorId);
            g.writeStringField("contentId", e.contentId);
            g.writeStringField("contentType", e.contentType.name());
            optString(g, "contentFormat", e.contentFormat);
            g.writeStringField("kind", e.kind.name());
        });
    }

    public static String toJson(Click c) {
        return write(g -> {
            g.writeStringField("eventId", c.eventId);
            g.writeNumberField("ts", c.ts);
            g.writeStringField("userId", c.userId);
            g.writeStringField("creatorId", c.creatorId);
            g.writeStringField("contentId", c.contentId);
            g.writeStringField("contentType", c.contentType.name());
            g.writeStringField("productId", c.productId);
            g.writeStringField("merchantId", c.merchantId);
            optString(g, "contentFormat", c.contentFormat);
        });
    }

    public static String toJson(Order o) {
        return write(g -> {
            g.writeStringField("orderId", o.orderId);
            g.writeNumberField("ts", o.ts);
            g.writeStringField("userId", o.userId);
            g.writeStringField("merchantId", o.merchantId);
            g.writeArrayFieldStart("lines");
            for (OrderLine l : o.lines) {
                g.writeStartObject();
                g.writeStringField("lineId", l.lineId);
                g.writeStringField("productId", l.productId);
                g.writeNumberField("quantity", l.quantity);
                money(g, "unitPrice", l.unitPriceCents);
                if (l.discountCents != 0) money(g, "discount", l.discountCents);
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    public static String toJson(OrderUpdate u) {
        return write(g -> {
            g.writeStringField("eventId", u.eventId);
            g.writeNumberField("ts", u.ts);
            g.writeStringField("orderId", u.orderId);
            g.writeStringField("lineId", u.lineId);
            g.writeStringField("kind", u.kind.name());
            optMoney(g, "amount", u.amountCents);
        });
    }

    public static String toJson(CommissionRule r) {
        return write(g -> {
            g.writeStringField("ruleId", r.ruleId);
            g.writeNumberField("ts", r.ts);
            g.writeStringField("merchantId", r.merchantId);
            optString(g, "productId", r.productId);
            optString(g, "creatorId", r.creatorId);
            if (r.rate != null) g.writeNumberField("rate", r.rate);
            if (r.bonusRate != null && r.bonusRate.signum() != 0) g.writeNumberField("bonusRate", r.bonusRate);
            if (r.validUntil != null) g.writeNumberField("validUntil", r.validUntil);
            if (r.deleted) g.writeBooleanField("deleted", true);
        });
    }

    public static String toJson(Product p) {
        return write(g -> {
            g.writeStringField("productId", p.productId);
            g.writeNumberField("ts", p.ts);
            g.writeStringField("merchantId", p.merchantId);
            optString(g, "category", p.category);
            optMoney(g, "price", p.priceCents);
            optMoney(g, "unitCost", p.unitCostCents);
            if (p.stock != null) g.writeNumberField("stock", p.stock);
        });
    }

    public static String toJson(Creator c) {
        return write(g -> {
            g.writeStringField("creatorId", c.creatorId);
            g.writeNumberField("ts", c.ts);
            g.writeNumberField("followers", c.followers);
            optString(g, "userId", c.userId);
            optString(g, "niche", c.niche);
        });
    }

    public static String toJson(Spend s) {
        return write(g -> {
            g.writeStringField("eventId", s.eventId);
            g.writeNumberField("ts", s.ts);
            g.writeStringField("merchantId", s.merchantId);
            g.writeStringField("creatorId", s.creatorId);
            money(g, "amount", s.amountCents);
            g.writeStringField("kind", s.kind.name());
        });
    }

    public static String toJson(AlertRule r) {
        return write(g -> {
            g.writeStringField("ruleId", r.ruleId);
            g.writeNumberField("ts", r.ts);
            optString(g, "dimension", r.dimension);
            if (r.windowMs != null) g.writeStringField("window", Durations.format(Duration.ofMillis(r.windowMs)));
            optString(g, "metric", r.metric);
            optString(g, "op", r.op);
            if (r.thresholdValue != null) {
                g.writeNumberField("threshold", r.thresholdValue);
            } else if (r.thresholdMetric != null) {
                g.writeObjectFieldStart("threshold");
                g.writeStringField("metric", r.thresholdMetric);
                g.writeEndObject();
            } else if (r.baselineWindows != null) {
                g.writeObjectFieldStart("threshold");
                g.writeObjectFieldStart("baseline");
                g.writeNumberField("windows", r.baselineWindows);
                g.writeNumberField("factor", r.baselineFactor);
                g.writeEndObject();
                g.writeEndObject();
            }
            if (r.minSampleMetric != null) {
                g.writeObjectFieldStart("minSample");
                g.writeStringField("metric", r.minSampleMetric);
                g.writeNumberField("value", r.minSampleValue);
                g.writeEndObject();
            }
            if (r.forWindows != 1) g.writeNumberField("forWindows", r.forWindows);
            if (r.early) g.writeBooleanField("early", true);
            if (!r.enabled) g.writeBooleanField("enabled", false);
        });
    }
}
