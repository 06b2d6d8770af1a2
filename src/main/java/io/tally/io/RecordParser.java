package io.tally.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.event.Durations;
import io.tally.attribution.Attribution;
import io.tally.attribution.Model;
import io.tally.attribution.Touch;
import io.tally.event.AlertRule;
import io.tally.kpi.Kpi;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.ContentType;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.EngagementKind;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Spend;
import io.tally.event.SpendKind;
import io.tally.event.Stream;
import io.tally.event.UpdateKind;
import io.tally.event.View;
import io.tally.event.Dimension;
import io.tally.kpi.Metrics;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Turns the bytes of one input record into its typed record (package {@code io.tally.event}), or says precisely why
 * it cannot: CONTRACT sections 1, 2 and 5. Strict on purpose: JSON integers only where an integer is expected (5.0
 * is not one), JSON booleans only, enum values spelled exactly; unknown fields are ignored.
 *
 * <p>Reads with limits (nesting depth, number and string length) so a hostile record is rejected cheaply, and
 * reads floats as {@link BigDecimal} so money and rates are exact. It holds only immutable Jackson objects, so it is
 * thread-safe; a parallel task still creates its own in {@code open()} (it is not Serializable).
 *
 * <p>Choices where the contract is silent: absent and JSON null are the same for every field; a JSON object with a
 * repeated field name is MALFORMED_JSON; money may carry trailing zeros (1.100 is 1.10) but no third significant
 * decimal; contentFormat is at most 128 characters; a view lists at most 1000 productIds; product stock is an
 * integer >= 0; validUntil an integer >= 0; a rate has at most 20 decimals; an alert rule's baseline averages at
 * most 1000 windows; a disabled alert rule keeps only ruleId and ts, whatever else it says.
 */
public class RecordParser {
    static final int MAX_NESTING_DEPTH = 32;
    static final int MAX_NUMBER_CHARS = 100;
    static final int MAX_STRING_CHARS = 100_000;
    /** Lines of an order (CONTRACT section 2). */
    static final int MAX_LINES = 1000;
    /** Products of one view: the contract sets no bound, this one keeps a view's KPI fan-out bounded like an order's. */
    static final int MAX_PRODUCT_IDS = 1000;
    /** Previous window slots a baseline threshold may average: alert state keeps that many per key. */
    static final int MAX_BASELINE_WINDOWS = 1000;

    private static final Set<String> OPS = Set.of(">", ">=", "<", "<=");

    private final ObjectMapper mapper;
    private final ObjectReader reader;

    public RecordParser() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_CHARS)
                        .maxStringLength(MAX_STRING_CHARS)
                        .build())
                // {"amount": 1, "amount": 1000} has no single meaning: reject it rather than let the last one win.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                // Keep numbers as written (5.00 stays 5.00) so details quote the producer's value.
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
        this.reader = mapper.reader();
    }

    /** The record class of an input stream. */
    public static Class<?> recordType(Stream stream) {
        switch (stream) {
            case VIEWS: return View.class;
            case ENGAGEMENTS: return Engagement.class;
            case CLICKS: return Click.class;
            case ORDERS: return Order.class;
            case ORDER_UPDATES: return OrderUpdate.class;
            case COMMISSION_RULES: return CommissionRule.class;
            case PRODUCTS: return Product.class;
            case CREATORS: return Creator.class;
            case SPEND: return Spend.class;
            case ALERT_RULES: return AlertRule.class;
            case ATTRIBUTIONS: return Attribution.class;
            case KPIS: return Kpi.class;
            default: throw new IllegalArgumentException("not an input stream: " + stream.wireName());
        }
    }

    /** Parses a record of the given input stream into its {@link #recordType(Stream)}. */
    public Object parse(Stream stream, byte[] json) throws InvalidRecordException {
        switch (stream) {
            case ATTRIBUTIONS: return parseAttribution(json);
            case KPIS: return parseKpi(json);
            case VIEWS: return parseView(json);
            case ENGAGEMENTS: return parseEngagement(json);
            case CLICKS: return parseClick(json);
            case ORDERS: return parseOrder(json);
            case ORDER_UPDATES: return parseOrderUpdate(json);
            case COMMISSION_RULES: return parseCommissionRule(json);
            case PRODUCTS: return parseProduct(json);
            case CREATORS: return parseCreator(json);
            case SPEND: return parseSpend(json);
            case ALERT_RULES: return parseAlertRule(json);
            default: throw new IllegalArgumentException("not an input stream: " + stream.wireName());
        }
    }

    // ---- JSON ----

    /** The record's single top-level JSON object; anything else, or anything after it, is MALFORMED_JSON. */
    private JsonFields object(byte[] json) throws InvalidRecordException {
        if (json == null || json.length == 0) throw InvalidRecordException.malformed("empty record");
        try (JsonParser p = reader.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) throw InvalidRecordException.malformed("empty record");
            // Checked before reading further, so a huge top-level array or string costs nothing.
            if (first != JsonToken.START_OBJECT) {
                throw InvalidRecordException.malformed("not a JSON object (starts with " + describe(first) + ")");
            }
            JsonNode root = reader.readTree(p);
            if (p.nextToken() != null) {
                throw InvalidRecordException.malformed("unexpected content after the object"
                        + at(p.currentTokenLocation()));
            }
            return JsonFields.root(root);
        } catch (JsonProcessingException e) {
            // Syntax errors and exceeded read limits alike.
            throw InvalidRecordException.malformed(withoutSource(e.getOriginalMessage()) + at(e.getLocation()));
        } catch (IOException e) {
            throw InvalidRecordException.malformed(String.valueOf(e.getMessage()));
        }
    }

    private static String describe(JsonToken t) {
        switch (t) {
            case START_ARRAY: return "an array";
            case VALUE_STRING: return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT: return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE: return "a boolean";
            case VALUE_NULL: return "null";
            default: return t.asString() != null ? "'" + t.asString() + "'" : t.name();
        }
    }

    /** Jackson's message without the "(start marker at [Source: REDACTED ...])" it adds for unclosed objects. */
    private static String withoutSource(String message) {
        int i = message == null ? -1 : message.indexOf(" (start marker at");
        return i < 0 ? String.valueOf(message) : message.substring(0, i);
    }

    private static String at(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 0) return "";
        return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    // ---- events ----

    /**
     * An attribution record as the attribution job writes it to its topic (CONTRACT section 3), read back by the KPI
     * job when the two are deployed separately.
     */
    public Attribution parseAttribution(byte[] json) throws InvalidRecordException {
        JsonFields f = object(json);
        Attribution a = new Attribution();
        a.orderId = f.id("orderId");
        a.lineId = f.id("lineId");
        a.ts = f.ts();
        a.userId = f.id("userId");
        a.merchantId = f.id("merchantId");
        a.productId = f.id("productId");
        a.quantity = f.integer("quantity", 1);
        a.lineAmountCents = f.signedMoney("lineAmount");
        a.model = f.enumValue("model", Model.class);
        a.touch = f.enumValue("touch", Touch.class);
        a.touchEventId = f.optionalId("touchEventId");
        a.touchTs = f.optionalInteger("touchTs", 0);
        a.creatorId = f.optionalId("creatorId");
        a.contentId = f.optionalId("contentId");
        a.contentFormat = f.optionalString("contentFormat");
        a.tier = f.optionalString("tier");
        a.weight = f.number("weight");
        a.amountCents = f.signedMoney("amount");
        a.commissionRate = f.optionalDecimal("commissionRate");
        a.commissionCents = f.signedMoney("commission");
        a.marginCents = f.optionalSignedMoney("margin");
        a.newCustomer = f.bool("newCustomer", false);
        a.selfPurchase = f.bool("selfPurchase", false);
        a.reversal = f.bool("reversal", false);
        if (a.reversal) {
            a.updateEventId = f.id("updateEventId");
            a.updateKind = f.enumValue("updateKind", UpdateKind.class).name();
        }
        if (a.touch != Touch.NONE && (a.creatorId == null || a.contentId == null || a.tier == null)) {
            throw f.invalid("creatorId", "an attributed line needs creatorId, contentId and tier");
        }
        return a;
    }

    /** A KPI record as the KPI job writes it (CONTRACT section 4), read back by the alerts job deployed on its own. */
    public Kpi parseKpi(byte[] json) throws InvalidRecordException {
        JsonFields f = object(json);
        Kpi k = new Kpi();
        k.dimension = f.enumValue("dimension", Dimension.class).name();
        k.key = f.optionalString("key");
        if (k.key == null) throw f.invalid("key", "missing");
        k.windowStart = f.integer("windowStart", 0);
        k.windowEnd = f.integer("windowEnd", k.windowStart + 1);
        k.isFinal = f.bool("final", false);
        k.views = f.integer("views", 0);
        k.likes = f.integer("likes", 0);
        k.comments = f.integer("comments", 0);
        k.shares = f.integer("shares", 0);
        k.clicks = f.integer("clicks", 0);
        k.units = f.number("units");
        k.gmvCents = f.signedMoney("gmv");
        k.orders = f.integer("orders", 0);
        k.newCustomerOrders = f.integer("newCustomerOrders", 0);
        k.attributedOrders = f.integer("attributedOrders", 0);
        k.attributedGmvCents = f.signedMoney("attributedGmv");
        k.commissionCents = f.signedMoney("commission");
        k.marginCents = f.signedMoney("margin");
        k.refunds = f.integer("refunds", 0);
        k.refundedAmountCents = f.signedMoney("refundedAmount");
        k.spendCents = f.signedMoney("spend");
        k.engagementRate = optionalNumber(f, "engagementRate");
        k.ctr = optionalNumber(f, "ctr");
        k.aovCents = f.optionalSignedMoney("aov");
        k.conversionRate = optionalNumber(f, "conversionRate");
        k.cpaCents = f.optionalSignedMoney("cpa");
        k.newCustomerRate = optionalNumber(f, "newCustomerRate");
        k.netGmvCents = f.signedMoney("netGmv");
        k.marginPerOrderCents = f.optionalSignedMoney("marginPerOrder");
        k.gmvShare = optionalNumber(f, "gmvShare");
        k.stock = f.optional("stock") == null ? null : f.integer("stock", Long.MIN_VALUE);
        return k;
    }

    private static Double optionalNumber(JsonFields f, String field) throws InvalidRecordException {
        return f.optional(field) == null ? null : f.number(field);
    }

    public View parseView(byte[] json) throws InvalidRecordException {
        JsonFields f = object(json);
        View v = new View();
        v.eventId = f.id("eventId");
        v.ts = f.ts();
        v.userId = f.id("userId");
        v.creatorId = f.id("creatorId");
        v.contentId = f.id("contentId");
        v.contentType = f.enumValue("contentType", ContentType.class);
        v.contentFormat = contentFormat(f);
        v.productIds = productIds(f);
        return v;
    }

    public Engagement parseEngagement(byte[] json) throws InvalidRecordException {
        JsonFields f = object(json);
        Engagement e = new Engagement();
        e.eventId = f.id("eventId");
        e.ts = f.ts();
        e.userId = f.id("userId");
        e.creatorId = f.id("creatorId");
        e.contentId = f.id("contentId");
        e.contentType = f.enumValue("contentType", ContentType.class);
        e.contentFormat = contentFormat(f);
        e.kind = f.enumValue("kind", EngagementKind.class);
        return e;
    }

    public Click parseClick(byte[] json) throws InvalidRecordException {
        JsonFields f = object(json);
        Click c = new Click();
        c.eventId = f.id("eventId");
        c.ts = f.ts();
        c.userId = f.id("userId");
        c.creatorId = f.id("creatorId");
        c.contentId = f.id("contentId");
        c.contentType = f.enumValue("contentType", ContentType.class);
        c.productId = f.id("productId");
        c.merchantId = f.id("merchantId");
        c.contentFormat = contentFormat(f);
        return c;
    }

    private static String contentFormat(JsonFields f) throws InvalidRecordException {
        return f.upperCaseWord("contentFormat", "OTHER");
    }

    /** Distinct product ids in first-seen order; empty when absent. */
    private static String[] productIds(JsonFields f) throws InvalidRecordException {
        JsonNode v = f.optional("productIds");
        if (v == null) return new String[0];
        if (!v.isArray()) throw f.invalid("productIds", "must be an array of ids (got " + JsonFields.show(v) + ")");
        if (v.size() > MAX_PRODUCT_IDS) throw f.invalid("productIds", "more than " + MAX_PRODUCT_IDS + " ids (" + v.size() + ")");
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < v.size(); i++) {
            ids.add(JsonFields.id(v.get(i), f.path("productIds") + "[" + i + "]"));
        }
        return ids.toArray(new String[0]);
    }

    public Order parseOrder(byte[] json) throws InvalidRecordException {
        JsonFields f = object(json);
        Order o = new Order();
        o.orderId = f.id("orderId");
        o.ts = f.ts();
        o.userId = f.id("userId");
        o.merchantId = f.id("merchantId");
        JsonNode lines = f.required("lines");
        if (!lines.isArray()) throw f.invalid("lines", "must be an array of lines (got " + JsonFields.show(lines) + ")");
        if (lines.size() < 1 || lines.size() > MAX_LINES) {
            throw f.invalid("lines", "must have 1 to " + MAX_LINES + " lines (got " + lines.size() + ")");
        }
        o.lines = new OrderLine[lines.size()];
        Set<String> lineIds = new HashSet<>();
        long total = 0;
        for (int i = 0; i < o.lines.length; i++) {
            OrderLine line = orderLine(f.element(lines, "lines", i), i);
            if (!lineIds.add(line.lineId)) {
                throw InvalidRecordException.invalid("lines[" + i + "].lineId", "'" + line.lineId
                        + "' repeats an earlier line of the order");
            }
            try {
                // The order's total must fit too: KPI sums start from it.
                total = Math.addExact(total, line.lineAmountCents());
            } catch (ArithmeticException e) {
                throw f.invalid("lines", "the order's total amount is too large");
            }
            o.lines[i] = line;
        }
        return o;
    }

    private static OrderLine orderLine(JsonFields f, int i) throws InvalidRecordException {
        OrderLine l = new OrderLine();
        l.lineId = f.id("lineId");
        l.productId = f.id("productId");
        l.quantity = f.integer("quantity", 1);
        l.unitPriceCents = f.money("unitPrice", false);
        JsonNode discount = f.optional("discount");
        l.discountCents = discount == null ? 0 : f.money("discount", false);
        long gross;
        try {
            gross = Math.multiplyExact(l.quantity, l.unitPriceCents);
        } catch (ArithmeticException e) {
            throw f.invalid("unitPrice", "quantity x unitPrice is too large an amount");
        }
        if (l.discountCents > gross) {
            throw f.invalid("discount", "must not exceed quantity x unitPrice (" + discount.asText() + " > "
                    + l.quantity + " x " + f.required("unitPrice").asText() + ")");
        }
        return l;
    }

    public OrderUpdate parseOrderUpdate(byte[] json) throws InvalidRecordException {
        JsonFields f = object(json);
        OrderUpdate u = new OrderUpdate();
        u.eventId = f.id("eventId");
        u.ts = f.ts();
        u.orderId = f.id("orderId");
        u.lineId = f.id("lineId");
        u.kind = f.enumValue("kind", UpdateKind.class);
        if (u.kind == UpdateKind.REFUND) {
            u.amountCents = f.optionalMoney("amount", true);
        } else if (f.has("amount")) {
            throw f.invalid("amount", "only a REFUND has an amount (a CANCEL reverses the whole line)");
        }
        return u;
    }

    // ---- versioned reference data ----

    public CommissionRule parseCommissionRule(byte[] json) throws InvalidRecordException {
        JsonFields f = object(json);
        CommissionRule r = new CommissionRule();
        r.ruleId = f.id("ruleId");
        r.ts = f.ts();
        r.merchantId = f.id("merchantId");
        r.productId = f.optionalId("productId");
        r.creatorId = f.optionalId("creatorId");
        r.deleted = f.bool("deleted", false);
        // A deletion needs no rate; a rate given with it is still checked.
        r.rate = r.deleted ? f.optionalRate("rate", null) : f.rate("rate");
        r.bonusRate = f.optionalRate("bonusRate", BigDecimal.ZERO);
        r.validUntil = f.optionalInteger("validUntil", 0);
        return r;
    }

    public Product parseProduct(byte[] json) throws InvalidRecordException {
        JsonFields f = object(json);
        Product p = new Product();
        p.productId = f.id("productId");
        p.ts = f.ts();
        p.merchantId = f.id("merchantId");
        p.category = f.optionalString("category");
        p.priceCents = f.optionalMoney("price", false);
        p.unitCostCents = f.optionalMoney("unitCost", false);
        p.stock = f.optionalInteger("stock", 0);
        return p;
    }

    public Creator parseCreator(byte[] json) throws InvalidRecordException {
        JsonFields f = object(json);
        Creator c = new Creator();
        c.creatorId = f.id("creatorId");
        c.ts = f.ts();
        c.followers = f.integer("followers", 0);
        c.userId = f.optionalId("userId");
        c.niche = f.optionalString("niche");
        return c;
    }

    public Spend parseSpend(byte[] json) throws InvalidRecordException {
        JsonFields f = object(json);
        Spend s = new Spend();
        s.eventId = f.id("eventId");
        s.ts = f.ts();
        s.merchantId = f.id("merchantId");
        s.creatorId = f.id("creatorId");
        s.amountCents = f.money("amount", false);
        s.kind = f.enumValue("kind", SpendKind.class);
        return s;
    }

    // ---- alert rules (CONTRACT section 5) ----

    public AlertRule parseAlertRule(byte[] json) throws InvalidRecordException {
        return alertRule(object(json));
    }

    /**
     * An alert rule written as a map, as the default rules of the alerts job's YAML configuration are: validated
     * exactly like a record of the {@code alert-rules} stream, except that {@code ts} defaults to 0 (in force from
     * the start).
     */
    public AlertRule alertRuleFromMap(Map<String, ?> rule) throws InvalidRecordException {
        ObjectNode node;
        try {
            node = mapper.valueToTree(rule);
        } catch (IllegalArgumentException e) {
            throw InvalidRecordException.malformed("not a JSON-like map: " + e.getMessage());
        }
        if (node == null) throw InvalidRecordException.malformed("empty rule");
        if (!node.has("ts")) node.put("ts", 0L);
        return alertRule(JsonFields.root(node));
    }

    private static AlertRule alertRule(JsonFields f) throws InvalidRecordException {
        AlertRule r = new AlertRule();
        r.ruleId = f.id("ruleId");
        r.ts = f.ts();
        r.enabled = f.bool("enabled", true);
        // A disabled version only removes the rule: nothing else is required, and nothing else is kept.
        if (!r.enabled) return r;
        r.dimension = f.enumValue("dimension", Dimension.class).name();
        r.windowMs = window(f);
        r.metric = metric(f, "metric");
        JsonNode op = f.required("op");
        if (!op.isTextual() || !OPS.contains(op.textValue())) {
            throw f.invalid("op", JsonFields.show(op) + " is not one of >, >=, <, <=");
        }
        r.op = op.textValue();
        threshold(f, r);
        if (f.has("minSample")) {
            JsonFields m = f.object("minSample");
            r.minSampleMetric = metric(m, "metric");
            r.minSampleValue = m.number("value");
        }
        Long forWindows = f.optionalInteger("forWindows", 1);
        if (forWindows != null && forWindows > Integer.MAX_VALUE) {
            throw f.invalid("forWindows", "must be at most " + Integer.MAX_VALUE + " (got " + forWindows + ")");
        }
        r.forWindows = forWindows == null ? 1 : forWindows.intValue();
        r.early = f.bool("early", false);
        return r;
    }

    /** A duration string such as {@code 1h}, or a JSON integer of milliseconds; > 0. */
    private static long window(JsonFields f) throws InvalidRecordException {
        JsonNode v = f.required("window");
        long ms;
        if (v.isTextual()) {
            try {
                ms = Durations.parse(v.textValue()).toMillis();
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw f.invalid("window", "must be a duration such as 1m, 1h or 1d, or an integer of milliseconds (got "
                        + JsonFields.show(v) + ")");
            }
        } else {
            ms = JsonFields.integer(v, f.path("window"), 1);
        }
        if (ms <= 0) throw f.invalid("window", "must be longer than 0 (got " + JsonFields.show(v) + ")");
        return ms;
    }

    private static String metric(JsonFields f, String field) throws InvalidRecordException {
        JsonNode v = f.required(field);
        if (!v.isTextual() || !Metrics.isMetric(v.textValue())) {
            throw f.invalid(field, JsonFields.show(v) + " is not a KPI metric (" + JsonFields.names(Metrics.NAMES.toArray()) + ")");
        }
        return v.textValue();
    }

    /** A number, {"metric": NAME} or {"baseline": {"windows": N, "factor": F}}. */
    private static void threshold(JsonFields f, AlertRule r) throws InvalidRecordException {
        JsonNode v = f.required("threshold");
        if (v.isNumber()) {
            r.thresholdValue = f.number("threshold");
            return;
        }
        String forms = "must be a number, {\"metric\": NAME} or {\"baseline\": {\"windows\": N, \"factor\": F}}";
        if (!v.isObject()) throw f.invalid("threshold", forms + " (got " + JsonFields.show(v) + ")");
        JsonFields t = f.object("threshold");
        boolean byMetric = t.has("metric");
        boolean byBaseline = t.has("baseline");
        if (byMetric == byBaseline) throw f.invalid("threshold", forms);
        if (byMetric) {
            r.thresholdMetric = metric(t, "metric");
        } else {
            JsonFields b = t.object("baseline");
            long windows = b.integer("windows", 1);
            if (windows > MAX_BASELINE_WINDOWS) {
                throw b.invalid("windows", "must be at most " + MAX_BASELINE_WINDOWS + " (got " + windows + ")");
            }
            r.baselineWindows = (int) windows;
            double factor = b.number("factor");
            if (factor < 0) throw b.invalid("factor", "must be >= 0 (got " + b.required("factor").asText() + ")");
            r.baselineFactor = factor;
        }
    }
}
