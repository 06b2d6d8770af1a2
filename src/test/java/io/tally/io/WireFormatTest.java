package io.tally.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.alert.AlertTopology;
import io.tally.connect.RecordReader;
import io.tally.event.AlertRule;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.ContentType;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.EngagementKind;
import io.tally.event.Metric;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Record;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.SpendKind;
import io.tally.event.Stream;
import io.tally.event.UpdateKind;
import io.tally.event.View;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static io.tally.io.DeadLetterReason.INVALID_VALUE;
import static io.tally.io.DeadLetterReason.MALFORMED_JSON;
import static io.tally.io.DeadLetterReason.MISSING_FIELD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class WireFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    // ---- valid records with only the required fields, one per input stream ----

    static ObjectNode minimal(Stream stream) {
        switch (stream) {
            case VIEWS: return obj("eventId", "v1", "ts", 1000, "userId", "u1", "creatorId", "c1", "contentId", "k1",
                    "contentType", "VIDEO");
            case ENGAGEMENTS: return obj("eventId", "e1", "ts", 1000, "userId", "u1", "creatorId", "c1",
                    "contentId", "k1", "contentType", "LIVE", "kind", "LIKE");
            case CLICKS: return obj("eventId", "k1", "ts", 1000, "userId", "u1", "creatorId", "c1", "contentId", "k1",
                    "contentType", "VIDEO", "productId", "p1", "merchantId", "m1");
            case ORDERS: {
                ObjectNode o = obj("orderId", "o1", "ts", 1000, "userId", "u1", "merchantId", "m1");
                o.putArray("lines").add(line("l1", "p1", 2, "9.99"));
                return o;
            }
            case ORDER_UPDATES: return obj("eventId", "x1", "ts", 1000, "orderId", "o1", "lineId", "l1", "kind", "CANCEL");
            case COMMISSION_RULES: {
                ObjectNode r = obj("ruleId", "r1", "ts", 1000, "merchantId", "m1");
                r.put("rate", new BigDecimal("0.1"));
                return r;
            }
            case PRODUCTS: return obj("productId", "p1", "ts", 1000, "merchantId", "m1");
            case CREATORS: return obj("creatorId", "c1", "ts", 1000, "followers", 5000);
            case SPEND: {
                ObjectNode s = obj("eventId", "s1", "ts", 1000, "merchantId", "m1", "creatorId", "c1", "kind", "ADS");
                s.put("amount", new BigDecimal("250.00"));
                return s;
            }
            case REVIEWS: return obj("eventId", "rv1", "ts", 1000, "userId", "u1", "productId", "p1", "merchantId", "m1",
                    "rating", 4);
            case ALERT_RULES: return obj("ruleId", "a1", "ts", 1000, "dimension", "CREATOR", "window", "1h",
                    "metric", "cpa", "op", ">", "threshold", 10);
            default: throw new IllegalArgumentException(stream.name());
        }
    }

    static ObjectNode line(String lineId, String productId, long quantity, String unitPrice) {
        ObjectNode l = obj("lineId", lineId, "productId", productId, "quantity", quantity);
        l.put("unitPrice", new BigDecimal(unitPrice));
        return l;
    }

    static ObjectNode obj(Object... kv) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < kv.length; i += 2) o.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        return o;
    }

    static final Map<Stream, List<String>> REQUIRED = new LinkedHashMap<>();
    static final Map<Stream, List<String>> IDS = new LinkedHashMap<>();

    static {
        REQUIRED.put(Stream.VIEWS, List.of("eventId", "ts", "userId", "creatorId", "contentId", "contentType"));
        REQUIRED.put(Stream.ENGAGEMENTS, List.of("eventId", "ts", "userId", "creatorId", "contentId", "contentType", "kind"));
        REQUIRED.put(Stream.CLICKS, List.of("eventId", "ts", "userId", "creatorId", "contentId", "contentType",
                "productId", "merchantId"));
        REQUIRED.put(Stream.ORDERS, List.of("orderId", "ts", "userId", "merchantId", "lines"));
        REQUIRED.put(Stream.ORDER_UPDATES, List.of("eventId", "ts", "orderId", "lineId", "kind"));
        REQUIRED.put(Stream.COMMISSION_RULES, List.of("ruleId", "ts", "merchantId", "rate"));
        REQUIRED.put(Stream.PRODUCTS, List.of("productId", "ts", "merchantId"));
        REQUIRED.put(Stream.CREATORS, List.of("creatorId", "ts", "followers"));
        REQUIRED.put(Stream.SPEND, List.of("eventId", "ts", "merchantId", "creatorId", "amount", "kind"));
        REQUIRED.put(Stream.REVIEWS, List.of("eventId", "ts", "userId", "productId", "merchantId", "rating"));
        REQUIRED.put(Stream.ALERT_RULES, List.of("ruleId", "ts", "dimension", "window", "metric", "op", "threshold"));

        IDS.put(Stream.VIEWS, List.of("eventId", "userId", "creatorId", "contentId"));
        IDS.put(Stream.ENGAGEMENTS, List.of("eventId", "userId", "creatorId", "contentId"));
        IDS.put(Stream.CLICKS, List.of("eventId", "userId", "creatorId", "contentId", "productId", "merchantId"));
        IDS.put(Stream.ORDERS, List.of("orderId", "userId", "merchantId"));
        IDS.put(Stream.ORDER_UPDATES, List.of("eventId", "orderId", "lineId"));
        IDS.put(Stream.COMMISSION_RULES, List.of("ruleId", "merchantId", "productId", "creatorId"));
        IDS.put(Stream.PRODUCTS, List.of("productId", "merchantId"));
        IDS.put(Stream.CREATORS, List.of("creatorId", "userId"));
        IDS.put(Stream.SPEND, List.of("eventId", "merchantId", "creatorId"));
        IDS.put(Stream.REVIEWS, List.of("eventId", "userId", "productId", "merchantId", "orderId"));
        IDS.put(Stream.ALERT_RULES, List.of("ruleId"));
    }

    static java.util.stream.Stream<Arguments> requiredFields() {
        return REQUIRED.entrySet().stream().flatMap(e -> e.getValue().stream().map(f -> Arguments.of(e.getKey(), f)));
    }

    static java.util.stream.Stream<Arguments> idFields() {
        return IDS.entrySet().stream().flatMap(e -> e.getValue().stream().map(f -> Arguments.of(e.getKey(), f)));
    }

    static java.util.stream.Stream<Stream> inputStreams() {
        return Arrays.stream(Stream.values()).filter(Stream::isInput);
    }

    // ---- helpers ----

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Object read(Stream stream, byte[] json) throws InvalidRecordException {
        return Json.read(RecordReader.recordType(stream), json);
    }

    static Object parse(Stream stream, ObjectNode record) throws InvalidRecordException {
        return read(stream, bytes(record.toString()));
    }

    static InvalidRecordException rejected(Stream stream, String json) {
        try {
            Object r = read(stream, bytes(json));
            return fail("accepted " + json.substring(0, Math.min(200, json.length())) + " as " + r);
        } catch (InvalidRecordException e) {
            return e;
        }
    }

    static InvalidRecordException rejected(Stream stream, ObjectNode record) {
        return rejected(stream, record.toString());
    }

    static ObjectNode with(Stream stream, Consumer<ObjectNode> change) {
        ObjectNode r = minimal(stream);
        change.accept(r);
        return r;
    }

    static void assertRejected(Stream stream, ObjectNode record, DeadLetterReason reason, String detail) {
        InvalidRecordException e = rejected(stream, record);
        assertThat(e.reason()).as(e.detail()).isEqualTo(reason);
        assertThat(e.detail()).isEqualTo(detail);
    }

    static void assertInvalid(Stream stream, ObjectNode record, String detailPrefix) {
        InvalidRecordException e = rejected(stream, record);
        assertThat(e.reason()).as(e.detail()).isEqualTo(INVALID_VALUE);
        assertThat(e.detail()).startsWith(detailPrefix);
    }

    // ---- every stream ----

    @ParameterizedTest
    @MethodSource("inputStreams")
    void minimalRecordOfEveryStreamParsesToItsType(Stream stream) throws Exception {
        assertThat(parse(stream, minimal(stream))).isInstanceOf(RecordReader.recordType(stream));
    }

    @ParameterizedTest
    @MethodSource("requiredFields")
    void absentRequiredFieldIsMissing(Stream stream, String field) {
        assertRejected(stream, with(stream, r -> r.remove(field)), MISSING_FIELD, field + ": missing");
    }

    @ParameterizedTest
    @MethodSource("requiredFields")
    void nullRequiredFieldIsMissing(Stream stream, String field) {
        assertRejected(stream, with(stream, r -> r.putNull(field)), MISSING_FIELD, field + ": null");
    }

    @ParameterizedTest
    @MethodSource("idFields")
    void idsAreNonEmptyStringsOfAtMost128Characters(Stream stream, String field) throws Exception {
        assertRejected(stream, with(stream, r -> r.put(field, "")), INVALID_VALUE, field + ": must not be empty");
        assertRejected(stream, with(stream, r -> r.put(field, "x".repeat(129))), INVALID_VALUE,
                field + ": longer than 128 characters (129)");
        assertInvalid(stream, with(stream, r -> r.put(field, 42)), field + ": must be a string id (got 42)");
        assertInvalid(stream, with(stream, r -> r.putObject(field)), field + ": must be a string id (got an object)");
        assertThat(parse(stream, with(stream, r -> r.put(field, "x".repeat(128))))).isNotNull();
        // 128 characters outside the BMP are 256 UTF-16 units, still 128 characters.
        assertThat(parse(stream, with(stream, r -> r.put(field, "\uD83D\uDE00".repeat(128))))).isNotNull();
    }

    @ParameterizedTest
    @MethodSource("inputStreams")
    void tsIsANonNegativeJsonIntegerThatFitsALong(Stream stream) throws Exception {
        for (String bad : List.of("-1", "1.5", "1000.0", "1e3", "\"1000\"", "true", "9223372036854775808", "[1000]")) {
            InvalidRecordException e = rejected(stream, minimal(stream).toString().replace("\"ts\":1000", "\"ts\":" + bad));
            assertThat(e.reason()).as(bad).isEqualTo(INVALID_VALUE);
            assertThat(e.detail()).as(bad).startsWith("ts: must be an integer >= 0");
        }
        ObjectNode max = with(stream, r -> r.put("ts", Long.MAX_VALUE));
        assertThat(((Record) parse(stream, max)).eventTime()).isEqualTo(Long.MAX_VALUE);
        assertThat(((Record) parse(stream, with(stream, r -> r.put("ts", 0)))).eventTime()).isZero();
    }

    @ParameterizedTest
    @MethodSource("inputStreams")
    void unknownFieldsAreIgnored(Stream stream) throws Exception {
        ObjectNode extra = with(stream, r -> {
            r.put("schemaVersion", 7);
            r.putObject("trace").putArray("spans").add(1).add("two");
            r.putNull("comment");
        });
        assertThat(parse(stream, extra)).isEqualTo(parse(stream, minimal(stream)));
    }

    @ParameterizedTest
    @MethodSource("inputStreams")
    void notOneJsonObjectIsMalformed(Stream stream) {
        String valid = minimal(stream).toString();
        List<String> bad = List.of(
                "", "   ", "not json", "{", valid.substring(0, valid.length() / 2), "[" + valid + "]", "\"text\"", "42",
                "null", "true", valid + " x", valid + valid, valid + ",", "{\"eventId\":'single'}", "{eventId:1}",
                valid.replace("}", ",}"), valid.replace("{", "{\"dup\":1,\"dup\":2,"));
        for (String json : bad) {
            InvalidRecordException e = rejected(stream, json);
            assertThat(e.reason()).as(json).isEqualTo(MALFORMED_JSON);
            assertThat(e.detail()).as(json).isNotBlank();
        }
        assertThat(rejected(stream, "[1, 2]").detail()).isEqualTo("not a JSON object (starts with an array)");
        assertThat(rejected(stream, "").detail()).isEqualTo("empty record");
    }

    @ParameterizedTest
    @MethodSource("inputStreams")
    void nullAndInvalidUtf8BytesAreMalformed(Stream stream) {
        assertMalformed(() -> read(stream, null));
        byte[] utf8 = bytes("{\"eventId\":\"a?b\"}");
        utf8[13] = (byte) 0xff;
        assertMalformed(() -> read(stream, utf8));
    }

    @ParameterizedTest
    @MethodSource("inputStreams")
    void whitespaceAroundTheObjectIsFine(Stream stream) throws Exception {
        assertThat(read(stream, bytes("\n  " + minimal(stream) + " \r\n"))).isEqualTo(parse(stream, minimal(stream)));
    }

    interface Parse {
        Object run() throws InvalidRecordException;
    }

    static void assertMalformed(Parse parse) {
        try {
            fail("accepted: " + parse.run());
        } catch (InvalidRecordException e) {
            assertThat(e.reason()).as(e.detail()).isEqualTo(MALFORMED_JSON);
        }
    }

    // ---- hostile input: rejected quickly, and only ever with InvalidRecordException ----

    @Nested
    class Hostile {
        private void assertRejectedQuickly(Stream stream, String json, DeadLetterReason reason) {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                InvalidRecordException e = rejected(stream, json);
                assertThat(e.reason()).as(e.detail()).isEqualTo(reason);
            });
        }

        @Test
        void deepNesting() {
            int depth = 10_000;
            assertRejectedQuickly(Stream.VIEWS, "{\"a\":".repeat(depth) + "1" + "}".repeat(depth), MALFORMED_JSON);
            assertRejectedQuickly(Stream.VIEWS, "[".repeat(depth) + "]".repeat(depth), MALFORMED_JSON);
            String deepUnknownField = minimal(Stream.VIEWS).toString()
                    .replace("{", "{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + ",");
            assertRejectedQuickly(Stream.VIEWS, deepUnknownField, MALFORMED_JSON);
            assertThat(rejected(Stream.VIEWS, "{\"a\":".repeat(40) + "1" + "}".repeat(40)).detail())
                    .contains("nesting depth");
        }

        @Test
        void tenMegabyteNumberAndString() {
            String digits = "9".repeat(10_000_000);
            assertRejectedQuickly(Stream.VIEWS, minimal(Stream.VIEWS).toString().replace("\"ts\":1000", "\"ts\":" + digits),
                    MALFORMED_JSON);
            assertRejectedQuickly(Stream.SPEND, minimal(Stream.SPEND).toString()
                    .replace("\"amount\":250.00", "\"amount\":0." + digits), MALFORMED_JSON);
            String chars = "a".repeat(10_000_000);
            assertRejectedQuickly(Stream.VIEWS, minimal(Stream.VIEWS).toString().replace("\"v1\"", "\"" + chars + "\""),
                    MALFORMED_JSON);
            assertRejectedQuickly(Stream.VIEWS, "\"" + chars + "\"", MALFORMED_JSON);
            assertRejectedQuickly(Stream.VIEWS, digits, MALFORMED_JSON);
            assertThat(rejected(Stream.VIEWS, "{\"a\":" + "1".repeat(101) + "}").detail()).contains("Number value length");
        }

        @Test
        void hugeExponentsAreCheapToReject() {
            assertRejectedQuickly(Stream.SPEND, with(Stream.SPEND, r -> r.put("amount", new BigDecimal("1e999999999"))).toString(),
                    INVALID_VALUE);
            assertRejectedQuickly(Stream.SPEND, with(Stream.SPEND, r -> r.put("amount", new BigDecimal("1e-999999999"))).toString(),
                    INVALID_VALUE);
            assertRejectedQuickly(Stream.COMMISSION_RULES,
                    with(Stream.COMMISSION_RULES, r -> r.put("rate", new BigDecimal("1e-999999999"))).toString(), INVALID_VALUE);
            assertRejectedQuickly(Stream.VIEWS, minimal(Stream.VIEWS).toString().replace("\"ts\":1000", "\"ts\":1e999999999"),
                    INVALID_VALUE);
            assertRejectedQuickly(Stream.ALERT_RULES,
                    with(Stream.ALERT_RULES, r -> r.put("threshold", new BigDecimal("1e999999999"))).toString(), INVALID_VALUE);
        }

        @Test
        void aHundredThousandUnknownFieldsStillParse() throws Exception {
            StringBuilder sb = new StringBuilder(minimal(Stream.CLICKS).toString());
            sb.setLength(sb.length() - 1);
            for (int i = 0; i < 100_000; i++) sb.append(",\"f").append(i).append("\":").append(i);
            sb.append('}');
            assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                    assertThat(Json.read(Click.class, bytes(sb.toString()))).isEqualTo(parse(Stream.CLICKS, minimal(Stream.CLICKS))));
        }
    }

    // ---- views, engagements, clicks ----

    @Test
    void viewWithEveryField() throws Exception {
        ObjectNode r = with(Stream.VIEWS, v -> {
            v.put("contentFormat", "TUTORIAL_2");
            v.putArray("productIds").add("p2").add("p1").add("p2").add("p3").add("p1");
        });
        View v = Json.read(View.class, bytes(r.toString()));
        assertThat(v).isEqualTo(new View("v1", 1000, "u1", "c1", "k1", ContentType.VIDEO, "TUTORIAL_2",
                new String[] {"p2", "p1", "p3"}));
    }

    @Test
    void viewDefaults() throws Exception {
        View v = Json.read(View.class, bytes(minimal(Stream.VIEWS).toString()));
        assertThat(v.contentFormat).isEqualTo("OTHER");
        assertThat(v.productIds).isEmpty();
        View explicitNulls = Json.read(View.class, bytes(with(Stream.VIEWS, x -> {
            x.putNull("contentFormat");
            x.putNull("productIds");
        }).toString()));
        assertThat(explicitNulls).isEqualTo(v);
        assertThat(Json.read(View.class, bytes(with(Stream.VIEWS, x -> x.putArray("productIds")).toString())).productIds).isEmpty();
    }

    @Test
    void viewProductIdsAreAnArrayOfIds() {
        assertInvalid(Stream.VIEWS, with(Stream.VIEWS, v -> v.put("productIds", "p1")), "productIds: must be an array");
        assertRejected(Stream.VIEWS, with(Stream.VIEWS, v -> v.putArray("productIds").add("p1").add("")), INVALID_VALUE,
                "productIds[1]: must not be empty");
        assertInvalid(Stream.VIEWS, with(Stream.VIEWS, v -> v.putArray("productIds").add("p1").addNull()),
                "productIds[1]: must be a string id (got null)");
        assertInvalid(Stream.VIEWS, with(Stream.VIEWS, v -> v.putArray("productIds").add(7)), "productIds[0]: must be a string id");
        assertInvalid(Stream.VIEWS, with(Stream.VIEWS, v -> v.putArray("productIds").add("x".repeat(129))),
                "productIds[0]: longer than 128");
        assertInvalid(Stream.VIEWS, with(Stream.VIEWS, v -> {
            ArrayNode ids = v.putArray("productIds");
            for (int i = 0; i <= View.MAX_PRODUCT_IDS; i++) ids.add("p" + i);
        }), "productIds: more than 1000 ids");
    }

    @ParameterizedTest
    @EnumSource(value = Stream.class, names = {"VIEWS", "ENGAGEMENTS", "CLICKS"})
    void contentTypeAndFormat(Stream stream) throws Exception {
        assertRejected(stream, with(stream, r -> r.put("contentType", "TV")), INVALID_VALUE,
                "contentType: 'TV' is not one of VIDEO, LIVE");
        assertRejected(stream, with(stream, r -> r.put("contentType", "video")), INVALID_VALUE,
                "contentType: 'video' is not one of VIDEO, LIVE");
        assertRejected(stream, with(stream, r -> r.put("contentType", 1)), INVALID_VALUE,
                "contentType: 1 is not one of VIDEO, LIVE");
        for (String bad : List.of("", "tutorial", "Tutorial", "2SHORT", "_X", "HOW TO", "ÉTUDE", "X".repeat(129))) {
            InvalidRecordException e = rejected(stream, with(stream, r -> r.put("contentFormat", bad)));
            assertThat(e.reason()).as(bad).isEqualTo(INVALID_VALUE);
            assertThat(e.detail()).as(bad).startsWith("contentFormat: must be an upper-case word");
        }
        assertInvalid(stream, with(stream, r -> r.put("contentFormat", 3)), "contentFormat: must be an upper-case word");
        for (String good : List.of("A", "HUMOR", "HOW_TO_2", "X".repeat(128))) {
            Object rec = parse(stream, with(stream, r -> r.put("contentFormat", good)));
            assertThat(rec).hasFieldOrPropertyWithValue("contentFormat", good);
        }
    }

    @Test
    void engagementKinds() throws Exception {
        for (EngagementKind k : EngagementKind.values()) {
            Engagement e = Json.read(Engagement.class, bytes(with(Stream.ENGAGEMENTS, r -> r.put("kind", k.name())).toString()));
            assertThat(e).isEqualTo(new Engagement("e1", 1000, "u1", "c1", "k1", ContentType.LIVE, "OTHER", k));
        }
        assertRejected(Stream.ENGAGEMENTS, with(Stream.ENGAGEMENTS, r -> r.put("kind", "VIEW")), INVALID_VALUE,
                "kind: 'VIEW' is not one of LIKE, COMMENT, SHARE");
    }

    @Test
    void clickWithEveryField() throws Exception {
        Click c = Json.read(Click.class, bytes(with(Stream.CLICKS, r -> r.put("contentFormat", "REVIEW")).toString()));
        assertThat(c).isEqualTo(new Click("k1", 1000, "u1", "c1", "k1", ContentType.VIDEO, "p1", "m1", "REVIEW"));
        assertThat(Json.read(Click.class, bytes(minimal(Stream.CLICKS).toString())).contentFormat).isEqualTo("OTHER");
    }

    // ---- orders ----

    static ObjectNode order(Consumer<ArrayNode> lines) {
        ObjectNode o = minimal(Stream.ORDERS);
        lines.accept(o.putArray("lines"));
        return o;
    }

    @Test
    void orderWithEveryField() throws Exception {
        ObjectNode o = order(ls -> {
            ls.add(line("l1", "p1", 2, "9.99").put("discount", new BigDecimal("1.5")));
            ls.add(line("l2", "p2", 1, "0"));
            ls.add(line("l3", "p1", 3, "10").put("discount", new BigDecimal("30.00")));
        });
        Order parsed = Json.read(Order.class, bytes(o.toString()));
        assertThat(parsed).isEqualTo(new Order("o1", 1000, "u1", "m1", new OrderLine[] {
                new OrderLine("l1", "p1", 2, 999, 150),
                new OrderLine("l2", "p2", 1, 0, 0),
                new OrderLine("l3", "p1", 3, 1000, 3000)}));
        assertThat(parsed.lines[0].lineAmountCents()).isEqualTo(1848);
        assertThat(parsed.lines[2].lineAmountCents()).isZero();
    }

    @Test
    void orderLineDefaultsDiscountToZero() throws Exception {
        Order o = Json.read(Order.class, bytes(order(ls -> ls.add(line("l1", "p1", 1, "5").putNull("discount"))).toString()));
        assertThat(o.lines[0].discountCents).isZero();
    }

    @Test
    void orderLinesAre1To1000Objects() throws Exception {
        assertRejected(Stream.ORDERS, order(ls -> {}), INVALID_VALUE, "lines: must have 1 to 1000 lines (got 0)");
        assertRejected(Stream.ORDERS, order(ls -> {
            for (int i = 0; i < 1001; i++) ls.add(line("l" + i, "p", 1, "1"));
        }), INVALID_VALUE, "lines: must have 1 to 1000 lines (got 1001)");
        Order big = Json.read(Order.class, bytes(order(ls -> {
            for (int i = 0; i < 1000; i++) ls.add(line("l" + i, "p", 1, "1"));
        }).toString()));
        assertThat(big.lines).hasSize(1000);
        assertInvalid(Stream.ORDERS, with(Stream.ORDERS, o -> o.putObject("lines")), "lines: must be an array");
        assertRejected(Stream.ORDERS, order(ls -> ls.add(line("l1", "p1", 1, "1")).add("l2")), INVALID_VALUE,
                "lines[1]: must be an object (got 'l2')");
        assertRejected(Stream.ORDERS, order(ls -> ls.add(line("l1", "p1", 1, "1")).addNull()), INVALID_VALUE,
                "lines[1]: must be an object (got null)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lineId", "productId", "quantity", "unitPrice"})
    void orderLineRequiredFields(String field) {
        assertRejected(Stream.ORDERS, order(ls -> {
            ls.add(line("l0", "p0", 1, "1"));
            ls.add(line("l1", "p1", 1, "1"));
            ls.add(line("l2", "p2", 1, "1").without(field));
        }), MISSING_FIELD, "lines[2]." + field + ": missing");
        assertRejected(Stream.ORDERS, order(ls -> ls.add(line("l0", "p0", 1, "1").putNull(field))), MISSING_FIELD,
                "lines[0]." + field + ": null");
    }

    @Test
    void orderLineValues() {
        assertRejected(Stream.ORDERS, order(ls -> ls.add(line("", "p1", 1, "1"))), INVALID_VALUE, "lines[0].lineId: must not be empty");
        assertInvalid(Stream.ORDERS, order(ls -> ls.add(line("l1", "x".repeat(129), 1, "1"))), "lines[0].productId: longer than 128");
        for (String qty : List.of("0", "-1", "1.5", "2.0", "\"2\"", "99999999999999999999")) {
            InvalidRecordException e = rejected(Stream.ORDERS, order(ls -> ls.add(line("l1", "p1", 1, "1"))).toString()
                    .replace("\"quantity\":1", "\"quantity\":" + qty));
            assertThat(e.reason()).as(qty).isEqualTo(INVALID_VALUE);
            assertThat(e.detail()).as(qty).startsWith("lines[0].quantity: must be an integer >= 1");
        }
        assertRejected(Stream.ORDERS, order(ls -> ls.add(line("l1", "p1", 1, "1.005"))), INVALID_VALUE,
                "lines[0].unitPrice: must have at most 2 decimals (got 1.005)");
        assertRejected(Stream.ORDERS, order(ls -> ls.add(line("l1", "p1", 1, "-0.01"))), INVALID_VALUE,
                "lines[0].unitPrice: must be >= 0 (got -0.01)");
        assertInvalid(Stream.ORDERS, order(ls -> ls.add(line("l1", "p1", 1, "1").put("unitPrice", "1.00"))),
                "lines[0].unitPrice: must be a number (got '1.00')");
        assertRejected(Stream.ORDERS, order(ls -> ls.add(line("l1", "p1", 1, "1").put("discount", new BigDecimal("-1")))),
                INVALID_VALUE, "lines[0].discount: must be >= 0 (got -1)");
        assertRejected(Stream.ORDERS, order(ls -> ls.add(line("l1", "p1", 1, "1").put("discount", new BigDecimal("0.001")))),
                INVALID_VALUE, "lines[0].discount: must have at most 2 decimals (got 0.001)");
    }

    @Test
    void discountMustNotExceedQuantityTimesUnitPrice() throws Exception {
        assertRejected(Stream.ORDERS, order(ls -> ls.add(line("l1", "p1", 2, "5.00").put("discount", new BigDecimal("10.01")))),
                INVALID_VALUE, "lines[0].discount: must not exceed quantity x unitPrice (10.01 > 2 x 5.00)");
        Order o = Json.read(Order.class, bytes(order(ls -> ls.add(line("l1", "p1", 2, "5.00")
                .put("discount", new BigDecimal("10.00")))).toString()));
        assertThat(o.lines[0].lineAmountCents()).isZero();
    }

    @Test
    void duplicateLineIdIsInvalid() {
        assertRejected(Stream.ORDERS, order(ls -> {
            ls.add(line("l1", "p1", 1, "1"));
            ls.add(line("l2", "p2", 1, "1"));
            ls.add(line("l1", "p3", 1, "1"));
        }), INVALID_VALUE, "lines[2].lineId: 'l1' repeats an earlier line of the order");
    }

    @Test
    void amountsThatOverflowCentsAreInvalid() throws Exception {
        long maxWholeUnits = Long.MAX_VALUE / 100;
        assertInvalid(Stream.ORDERS, order(ls -> ls.add(line("l1", "p1", 2, maxWholeUnits + ".00"))),
                "lines[0].unitPrice: quantity x unitPrice is too large");
        assertInvalid(Stream.ORDERS, order(ls -> ls.add(line("l1", "p1", 1, "92233720368547758.08"))),
                "lines[0].unitPrice: too large an amount");
        assertInvalid(Stream.ORDERS, order(ls -> {
            ls.add(line("l1", "p1", 1, maxWholeUnits + ".00"));
            ls.add(line("l2", "p1", 1, maxWholeUnits + ".00"));
        }), "lines: the order's total amount is too large");
        Order max = Json.read(Order.class, bytes(order(ls -> ls.add(line("l1", "p1", 1, "92233720368547758.07"))).toString()));
        assertThat(max.lines[0].unitPriceCents).isEqualTo(Long.MAX_VALUE);
    }

    // ---- order updates ----

    @Test
    void orderUpdates() throws Exception {
        assertThat(Json.read(OrderUpdate.class, bytes(minimal(Stream.ORDER_UPDATES).toString())))
                .isEqualTo(new OrderUpdate("x1", 1000, "o1", "l1", UpdateKind.CANCEL, null));
        ObjectNode refund = with(Stream.ORDER_UPDATES, r -> r.put("kind", "REFUND"));
        assertThat(Json.read(OrderUpdate.class, bytes(refund.toString())).amountCents).isNull();
        assertThat(Json.read(OrderUpdate.class, bytes(refund.put("amount", new BigDecimal("0.01")).toString())).amountCents)
                .isEqualTo(1L);
        assertThat(Json.read(OrderUpdate.class, bytes(refund.put("amount", 12).toString())).amountCents).isEqualTo(1200L);
        assertThat(Json.read(OrderUpdate.class, bytes(with(Stream.ORDER_UPDATES, r -> r.putNull("amount")).toString())).amountCents)
                .isNull();
    }

    @Test
    void onlyAPositiveRefundHasAnAmount() {
        ObjectNode refund = with(Stream.ORDER_UPDATES, r -> r.put("kind", "REFUND"));
        assertRejected(Stream.ORDER_UPDATES, refund.deepCopy().put("amount", 0), INVALID_VALUE, "amount: must be > 0 (got 0)");
        assertRejected(Stream.ORDER_UPDATES, refund.deepCopy().put("amount", new BigDecimal("0.00")), INVALID_VALUE,
                "amount: must be > 0 (got 0.00)");
        assertRejected(Stream.ORDER_UPDATES, refund.deepCopy().put("amount", -5), INVALID_VALUE, "amount: must be > 0 (got -5)");
        assertInvalid(Stream.ORDER_UPDATES, refund.deepCopy().put("amount", new BigDecimal("1.999")), "amount: must have at most 2 decimals");
        assertRejected(Stream.ORDER_UPDATES, with(Stream.ORDER_UPDATES, r -> r.put("amount", 5)), INVALID_VALUE,
                "amount: only a REFUND has an amount (a CANCEL reverses the whole line)");
        assertRejected(Stream.ORDER_UPDATES, with(Stream.ORDER_UPDATES, r -> r.put("kind", "RETURN")), INVALID_VALUE,
                "kind: 'RETURN' is not one of CANCEL, REFUND");
    }

    // ---- commission rules ----

    @Test
    void commissionRuleWithEveryField() throws Exception {
        ObjectNode r = with(Stream.COMMISSION_RULES, x -> {
            x.put("productId", "p1").put("creatorId", "c1").put("validUntil", 5000).put("deleted", false);
            x.put("rate", new BigDecimal("0.125")).put("bonusRate", new BigDecimal("0.05"));
        });
        assertThat(Json.read(CommissionRule.class, bytes(r.toString()))).isEqualTo(new CommissionRule("r1", 1000, "m1", "p1",
                "c1", new BigDecimal("0.125"), new BigDecimal("0.05"), 5000L, false));
    }

    @Test
    void commissionRuleDefaults() throws Exception {
        CommissionRule r = Json.read(CommissionRule.class, bytes(minimal(Stream.COMMISSION_RULES).toString()));
        assertThat(r.bonusRate).isEqualByComparingTo("0");
        assertThat(r.effectiveRate()).isEqualByComparingTo("0.1");
        assertThat(r.productId).isNull();
        assertThat(r.creatorId).isNull();
        assertThat(r.validUntil).isNull();
        assertThat(r.deleted).isFalse();
    }

    @Test
    void ratesAreExactNumbersIn0To1() throws Exception {
        for (String ok : List.of("0", "1", "0.0", "1.0", "0.3333333333333333", "1e-2")) {
            CommissionRule r = Json.read(CommissionRule.class, bytes(minimal(Stream.COMMISSION_RULES).toString()
                    .replace("\"rate\":0.1", "\"rate\":" + ok)));
            assertThat(r.rate).as(ok).isEqualByComparingTo(new BigDecimal(ok));
        }
        assertRejected(Stream.COMMISSION_RULES, with(Stream.COMMISSION_RULES, r -> r.put("rate", new BigDecimal("1.5"))),
                INVALID_VALUE, "rate: must be a number in [0, 1] (got 1.5)");
        assertRejected(Stream.COMMISSION_RULES, with(Stream.COMMISSION_RULES, r -> r.put("rate", -0.1)),
                INVALID_VALUE, "rate: must be a number in [0, 1] (got -0.1)");
        assertRejected(Stream.COMMISSION_RULES, with(Stream.COMMISSION_RULES, r -> r.put("rate", "0.1")),
                INVALID_VALUE, "rate: must be a number (got '0.1')");
        assertRejected(Stream.COMMISSION_RULES, with(Stream.COMMISSION_RULES, r -> r.put("bonusRate", 2)),
                INVALID_VALUE, "bonusRate: must be a number in [0, 1] (got 2)");
        assertInvalid(Stream.COMMISSION_RULES, with(Stream.COMMISSION_RULES, r -> r.put("rate", new BigDecimal("1e-21"))),
                "rate: must have at most 20 decimals");
    }

    @Test
    void rateIsRequiredUnlessDeleted() throws Exception {
        ObjectNode noRate = with(Stream.COMMISSION_RULES, r -> r.remove("rate"));
        assertRejected(Stream.COMMISSION_RULES, noRate, MISSING_FIELD, "rate: missing");
        assertRejected(Stream.COMMISSION_RULES, noRate.deepCopy().put("deleted", false), MISSING_FIELD, "rate: missing");
        CommissionRule deleted = Json.read(CommissionRule.class, bytes(noRate.deepCopy().put("deleted", true).toString()));
        assertThat(deleted).isEqualTo(new CommissionRule("r1", 1000, "m1", null, null, null, BigDecimal.ZERO, null, true));
        // A rate given with a deletion is still checked.
        assertInvalid(Stream.COMMISSION_RULES, noRate.deepCopy().put("deleted", true).put("rate", 3), "rate: must be a number in [0, 1]");
    }

    @Test
    void commissionRuleFieldTypes() {
        assertRejected(Stream.COMMISSION_RULES, with(Stream.COMMISSION_RULES, r -> r.put("deleted", "true")), INVALID_VALUE,
                "deleted: must be true or false (got 'true')");
        assertRejected(Stream.COMMISSION_RULES, with(Stream.COMMISSION_RULES, r -> r.put("deleted", 1)), INVALID_VALUE,
                "deleted: must be true or false (got 1)");
        assertRejected(Stream.COMMISSION_RULES, with(Stream.COMMISSION_RULES, r -> r.put("validUntil", 1.5)), INVALID_VALUE,
                "validUntil: must be an integer >= 0 (got 1.5)");
        assertRejected(Stream.COMMISSION_RULES, with(Stream.COMMISSION_RULES, r -> r.put("validUntil", -1)), INVALID_VALUE,
                "validUntil: must be an integer >= 0 (got -1)");
    }

    // ---- products, creators, spend ----

    @Test
    void productWithEveryFieldAndWithout() throws Exception {
        ObjectNode p = with(Stream.PRODUCTS, x -> {
            x.put("category", "beauty").put("price", new BigDecimal("19.90")).put("unitCost", new BigDecimal("7.5")).put("stock", 0);
        });
        assertThat(Json.read(Product.class, bytes(p.toString()))).isEqualTo(new Product("p1", 1000, "m1", "beauty", 1990L, 750L, 0L));
        assertThat(Json.read(Product.class, bytes(minimal(Stream.PRODUCTS).toString())))
                .isEqualTo(new Product("p1", 1000, "m1", null, null, null, null));
    }

    @Test
    void productValues() {
        assertInvalid(Stream.PRODUCTS, with(Stream.PRODUCTS, x -> x.put("price", -1)), "price: must be >= 0");
        assertInvalid(Stream.PRODUCTS, with(Stream.PRODUCTS, x -> x.put("unitCost", new BigDecimal("0.001"))),
                "unitCost: must have at most 2 decimals");
        assertInvalid(Stream.PRODUCTS, with(Stream.PRODUCTS, x -> x.put("stock", -3)), "stock: must be an integer >= 0");
        assertInvalid(Stream.PRODUCTS, with(Stream.PRODUCTS, x -> x.put("stock", 2.5)), "stock: must be an integer >= 0");
        assertInvalid(Stream.PRODUCTS, with(Stream.PRODUCTS, x -> x.put("category", 5)), "category: must be a string (got 5)");
    }

    @Test
    void creatorWithEveryFieldAndWithout() throws Exception {
        ObjectNode c = with(Stream.CREATORS, x -> x.put("userId", "u9").put("niche", "fitness"));
        assertThat(Json.read(Creator.class, bytes(c.toString()))).isEqualTo(new Creator("c1", 1000, 5000, "u9", "fitness"));
        assertThat(Json.read(Creator.class, bytes(minimal(Stream.CREATORS).toString())))
                .isEqualTo(new Creator("c1", 1000, 5000, null, null));
        assertInvalid(Stream.CREATORS, with(Stream.CREATORS, x -> x.put("followers", -1)), "followers: must be an integer >= 0");
        assertInvalid(Stream.CREATORS, with(Stream.CREATORS, x -> x.put("followers", "5k")), "followers: must be an integer >= 0");
        assertInvalid(Stream.CREATORS, with(Stream.CREATORS, x -> x.put("niche", true)), "niche: must be a string");
    }

    @Test
    void spend() throws Exception {
        for (SpendKind k : SpendKind.values()) {
            assertThat(Json.read(Spend.class, bytes(with(Stream.SPEND, x -> x.put("kind", k.name())).toString())))
                    .isEqualTo(new Spend("s1", 1000, "m1", "c1", 25000, k));
        }
        assertThat(Json.read(Spend.class, bytes(with(Stream.SPEND, x -> x.put("amount", 0)).toString())).amountCents).isZero();
        assertRejected(Stream.SPEND, with(Stream.SPEND, x -> x.put("amount", -0.5)), INVALID_VALUE, "amount: must be >= 0 (got -0.5)");
        assertRejected(Stream.SPEND, with(Stream.SPEND, x -> x.put("amount", new BigDecimal("1.005"))), INVALID_VALUE,
                "amount: must have at most 2 decimals (got 1.005)");
        assertRejected(Stream.SPEND, with(Stream.SPEND, x -> x.put("kind", "BRIBE")), INVALID_VALUE,
                "kind: 'BRIBE' is not one of FLAT_FEE, SAMPLE, ADS");
    }

    @Test
    void reviews() throws Exception {
        for (int rating = 1; rating <= 5; rating++) {
            int r = rating;
            assertThat(Json.read(Review.class, bytes(with(Stream.REVIEWS, x -> x.put("rating", r)).toString())))
                    .isEqualTo(new Review("rv1", 1000, "u1", "p1", "m1", r, null));
        }
        assertThat(Json.read(Review.class, bytes(with(Stream.REVIEWS, x -> x.put("orderId", "o1")).toString())))
                .isEqualTo(new Review("rv1", 1000, "u1", "p1", "m1", 4, "o1"));
        assertThat(Json.read(Review.class, bytes(with(Stream.REVIEWS, x -> x.putNull("orderId")).toString())).orderId)
                .isNull();
        for (Object bad : List.of(0, 6, -1, 4.5, "4", true)) {
            assertInvalid(Stream.REVIEWS, with(Stream.REVIEWS, x -> x.set("rating", JSON.valueToTree(bad))), "rating: ");
        }
    }

    @Test
    void moneyIsExactDecimal() throws Exception {
        // 0.1 + 0.2 style amounts and trailing zeros: exact cents, never binary floating point.
        for (Map.Entry<String, Long> e : Map.of("0.29", 29L, "1.10", 110L, "1.100", 110L, "1e2", 10000L, "12", 1200L,
                "0.07", 7L, "19.99", 1999L).entrySet()) {
            Spend s = Json.read(Spend.class, bytes(minimal(Stream.SPEND).toString().replace("250.00", e.getKey())));
            assertThat(s.amountCents).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    // ---- alert rules ----

    @Test
    void alertRuleNumberThresholdWithDefaults() throws Exception {
        AlertRule r = Json.read(AlertRule.class, bytes(minimal(Stream.ALERT_RULES).toString()));
        AlertRule expected = new AlertRule();
        expected.ruleId = "a1";
        expected.ts = 1000;
        expected.dimension = "CREATOR";
        expected.windowMs = 3_600_000L;
        expected.metric = "cpa";
        expected.op = ">";
        expected.thresholdValue = 10.0;
        assertThat(r).isEqualTo(expected);
        assertThat(r.forWindows).isEqualTo(1);
        assertThat(r.early).isFalse();
        assertThat(r.enabled).isTrue();
    }

    @Test
    void alertRuleMetricThresholdWithEveryField() throws Exception {
        ObjectNode j = with(Stream.ALERT_RULES, x -> {
            x.putObject("threshold").put("metric", "marginPerOrder");
            x.putObject("minSample").put("metric", "attributedOrders").put("value", 5);
            x.put("forWindows", 3).put("early", true).put("enabled", true).put("window", 60_000).put("op", "<=");
        });
        AlertRule r = Json.read(AlertRule.class, bytes(j.toString()));
        assertThat(r.thresholdMetric).isEqualTo("marginPerOrder");
        assertThat(r.thresholdValue).isNull();
        assertThat(r.baselineWindows).isNull();
        assertThat(r.minSampleMetric).isEqualTo("attributedOrders");
        assertThat(r.minSampleValue).isEqualTo(5.0);
        assertThat(r.forWindows).isEqualTo(3);
        assertThat(r.early).isTrue();
        assertThat(r.windowMs).isEqualTo(60_000L);
        assertThat(r.op).isEqualTo("<=");
    }

    @Test
    void alertRuleBaselineThreshold() throws Exception {
        ObjectNode j = with(Stream.ALERT_RULES, x -> x.putObject("threshold").putObject("baseline")
                .put("windows", 24).put("factor", new BigDecimal("1.5")));
        AlertRule r = Json.read(AlertRule.class, bytes(j.toString()));
        assertThat(r.baselineWindows).isEqualTo(24);
        assertThat(r.baselineFactor).isEqualTo(1.5);
        assertThat(r.thresholdValue).isNull();
        assertThat(r.thresholdMetric).isNull();
    }

    @Test
    void alertRuleThresholdErrors() {
        Stream s = Stream.ALERT_RULES;
        assertInvalid(s, with(s, x -> x.put("threshold", "10")), "threshold: must be a number, {\"metric\": NAME} or {\"baseline\"");
        assertInvalid(s, with(s, x -> x.putObject("threshold")), "threshold: must be a number, {\"metric\": NAME}");
        assertInvalid(s, with(s, x -> x.putObject("threshold").put("metric", "gmv").putObject("baseline")),
                "threshold: must be a number, {\"metric\": NAME}");
        assertInvalid(s, with(s, x -> x.putObject("threshold").put("metric", "profit")),
                "threshold.metric: 'profit' is not a KPI metric (views, likes,");
        assertRejected(s, with(s, x -> x.putObject("threshold").putObject("baseline").put("factor", 1)), MISSING_FIELD,
                "threshold.baseline.windows: missing");
        assertRejected(s, with(s, x -> x.putObject("threshold").putObject("baseline").put("windows", 3)), MISSING_FIELD,
                "threshold.baseline.factor: missing");
        assertRejected(s, with(s, x -> x.putObject("threshold").putObject("baseline").put("windows", 0).put("factor", 1)),
                INVALID_VALUE, "threshold.baseline.windows: must be an integer >= 1 (got 0)");
        assertRejected(s, with(s, x -> x.putObject("threshold").putObject("baseline").put("windows", 1001).put("factor", 1)),
                INVALID_VALUE, "threshold.baseline.windows: must be at most 1000 (got 1001)");
        assertRejected(s, with(s, x -> x.putObject("threshold").putObject("baseline").put("windows", 2).put("factor", -1)),
                INVALID_VALUE, "threshold.baseline.factor: must be >= 0 (got -1)");
        assertInvalid(s, with(s, x -> x.putObject("threshold").put("baseline", 3)), "threshold.baseline: must be an object");
    }

    @Test
    void alertRuleFieldErrors() {
        Stream s = Stream.ALERT_RULES;
        assertRejected(s, with(s, x -> x.put("dimension", "COUNTRY")), INVALID_VALUE,
                "dimension: 'COUNTRY' is not one of ALL, MERCHANT, CREATOR, CONTENT, PRODUCT, TIER, FORMAT, CATEGORY, NICHE, MATCH");
        assertInvalid(s, with(s, x -> x.put("window", "1 hour")), "window: must be a duration such as 1m, 1h or 1d");
        assertInvalid(s, with(s, x -> x.put("window", "0m")), "window: must be longer than 0");
        assertInvalid(s, with(s, x -> x.put("window", 0)), "window: must be an integer >= 1");
        assertInvalid(s, with(s, x -> x.put("window", 1.5)), "window: must be an integer >= 1");
        assertInvalid(s, with(s, x -> x.put("metric", "")), "metric: '' is not a KPI metric");
        assertInvalid(s, with(s, x -> x.put("metric", "GMV")), "metric: 'GMV' is not a KPI metric");
        assertRejected(s, with(s, x -> x.put("op", "==")), INVALID_VALUE, "op: '==' is not one of >, >=, <, <=");
        assertRejected(s, with(s, x -> x.put("op", "=>")), INVALID_VALUE, "op: '=>' is not one of >, >=, <, <=");
        assertRejected(s, with(s, x -> x.putObject("minSample").put("value", 1)), MISSING_FIELD, "minSample.metric: missing");
        assertRejected(s, with(s, x -> x.putObject("minSample").put("metric", "orders")), MISSING_FIELD, "minSample.value: missing");
        assertInvalid(s, with(s, x -> x.putObject("minSample").put("metric", "orders").put("value", "5")),
                "minSample.value: must be a number");
        assertInvalid(s, with(s, x -> x.put("minSample", 5)), "minSample: must be an object");
        assertRejected(s, with(s, x -> x.put("forWindows", 0)), INVALID_VALUE, "forWindows: must be an integer >= 1 (got 0)");
        assertInvalid(s, with(s, x -> x.put("forWindows", 3_000_000_000L)), "forWindows: must be at most 2147483647");
        assertRejected(s, with(s, x -> x.put("early", "yes")), INVALID_VALUE, "early: must be true or false (got 'yes')");
        assertRejected(s, with(s, x -> x.put("enabled", 0)), INVALID_VALUE, "enabled: must be true or false (got 0)");
    }

    /** CONTRACT section 8: alsoRequire {metric, op, value}, a further condition on the same record. */
    @Test
    void alertRuleWithAlsoRequire() throws Exception {
        ObjectNode j = with(Stream.ALERT_RULES, x -> {
            x.put("dimension", "PRODUCT").put("metric", "avgRating").put("op", "<").put("threshold", 3.0);
            x.putObject("minSample").put("metric", "reviews").put("value", 5);
            x.putObject("alsoRequire").put("metric", "clicks").put("op", ">=").put("value", 1);
        });
        AlertRule r = Json.read(AlertRule.class, bytes(j.toString()));
        assertThat(r.alsoRequireMetric).isEqualTo("clicks");
        assertThat(r.alsoRequireOp).isEqualTo(">=");
        assertThat(r.alsoRequireValue).isEqualTo(1.0);
        assertThat(r.minSampleMetric).isEqualTo("reviews");
        // Written back as the contract spells it, after minSample.
        assertThat(Json.write(r)).contains(
                "\"minSample\":{\"metric\":\"reviews\",\"value\":5.0},\"alsoRequire\":{\"metric\":\"clicks\",\"op\":\">=\",\"value\":1.0}");
        assertThat(Json.read(AlertRule.class, Json.write(r).getBytes(StandardCharsets.UTF_8))).isEqualTo(r);

        AlertRule without = Json.read(AlertRule.class, bytes(minimal(Stream.ALERT_RULES).toString()));
        assertThat(without.alsoRequireMetric).isNull();
        assertThat(without.alsoRequireOp).isNull();
        assertThat(without.alsoRequireValue).isNull();
        assertThat(Json.write(without)).doesNotContain("alsoRequire");
    }

    @Test
    void alertRuleAlsoRequireErrors() {
        Stream s = Stream.ALERT_RULES;
        assertRejected(s, with(s, x -> x.putObject("alsoRequire").put("op", ">=").put("value", 1)), MISSING_FIELD,
                "alsoRequire.metric: missing");
        assertRejected(s, with(s, x -> x.putObject("alsoRequire").put("metric", "clicks").put("value", 1)), MISSING_FIELD,
                "alsoRequire.op: missing");
        assertRejected(s, with(s, x -> x.putObject("alsoRequire").put("metric", "clicks").put("op", ">=")), MISSING_FIELD,
                "alsoRequire.value: missing");
        assertRejected(s, with(s, x -> x.putObject("alsoRequire").putNull("metric").put("op", ">=").put("value", 1)),
                MISSING_FIELD, "alsoRequire.metric: null");
        assertRejected(s, with(s, x -> x.putObject("alsoRequire").put("metric", "clicks").put("op", ">=").putNull("value")),
                MISSING_FIELD, "alsoRequire.value: null");
        assertInvalid(s, with(s, x -> x.putObject("alsoRequire").put("metric", "promoted").put("op", ">=").put("value", 1)),
                "alsoRequire.metric: 'promoted' is not a KPI metric (views, likes,");
        assertRejected(s, with(s, x -> x.putObject("alsoRequire").put("metric", "clicks").put("op", "==").put("value", 1)),
                INVALID_VALUE, "alsoRequire.op: '==' is not one of >, >=, <, <=");
        assertRejected(s, with(s, x -> x.putObject("alsoRequire").put("metric", "clicks").put("op", "=>").put("value", 1)),
                INVALID_VALUE, "alsoRequire.op: '=>' is not one of >, >=, <, <=");
        assertInvalid(s, with(s, x -> x.putObject("alsoRequire").put("metric", "clicks").put("op", ">=").put("value", "1")),
                "alsoRequire.value: must be a number");
        assertInvalid(s, with(s, x -> x.put("alsoRequire", 1)), "alsoRequire: must be an object");
        assertInvalid(s, with(s, x -> x.put("alsoRequire", "clicks >= 1")), "alsoRequire: must be an object");
        // A disabling version ignores it, as everything else but ruleId and ts.
        assertThatCode(() -> Json.read(AlertRule.class,
                bytes("{\"ruleId\":\"a1\",\"ts\":5,\"enabled\":false,\"alsoRequire\":{\"op\":\"==\"}}")))
                .doesNotThrowAnyException();
    }

    @Test
    void everyKpiMetricIsAValidAlertMetric() throws Exception {
        for (Metric m : Metric.values()) {
            assertThat(Json.read(AlertRule.class, bytes(with(Stream.ALERT_RULES, x -> x.put("metric", m.wireName())).toString())).metric)
                    .isEqualTo(m.wireName());
        }
        assertThat(Metric.values()).hasSize(31).extracting(Metric::wireName)
                .contains("netGmv", "gmvShare", "stock", "reviews", "ratingSum", "negativeReviews", "avgRating",
                        "negativeReviewRate");
    }

    // ---- a record with several faults (README, choices where the contract is silent) ----

    @Test
    void aRecordThatIsNotWellFormedIsMalformedWhateverItsValuesSay() {
        // The id is out of its domain, and the object never closes: the record is judged whole first.
        InvalidRecordException e = rejected(Stream.VIEWS, "{\"eventId\":\"\",\"ts\":-1,\"userId\":");
        assertThat(e.reason()).as(e.detail()).isEqualTo(MALFORMED_JSON);
        assertThat(rejected(Stream.VIEWS, minimal(Stream.VIEWS).put("ts", -1) + " {}").reason()).isEqualTo(MALFORMED_JSON);
    }

    @Test
    void aWellFormedRecordIsReportedByItsFirstInvalidValueInTheOrderWritten() {
        assertRejected(Stream.VIEWS, obj("ts", -1, "eventId", ""), INVALID_VALUE, "ts: must be an integer >= 0 (got -1)");
        assertRejected(Stream.VIEWS, obj("eventId", "", "ts", -1), INVALID_VALUE, "eventId: must not be empty");
    }

    @Test
    void aMissingFieldIsReportedOnlyWhenEveryValuePresentIsValid() {
        ObjectNode view = minimal(Stream.VIEWS);
        view.remove("userId");
        assertRejected(Stream.VIEWS, view, MISSING_FIELD, "userId: missing");
        assertRejected(Stream.VIEWS, view.deepCopy().put("contentType", "TV"), INVALID_VALUE,
                "contentType: 'TV' is not one of VIDEO, LIVE");
    }

    @Test
    void disabledAlertRuleNeedsOnlyRuleIdAndTs() throws Exception {
        AlertRule r = Json.read(AlertRule.class, bytes("{\"ruleId\":\"a1\",\"ts\":5,\"enabled\":false}"));
        assertThat(r.enabled).isFalse();
        assertThat(r.ruleId).isEqualTo("a1");
        assertThat(r.ts).isEqualTo(5);
        assertThat(r.dimension).isNull();
        // Whatever else a disabling version carries is ignored, even when it would be invalid.
        AlertRule junk = Json.read(AlertRule.class, bytes("{\"ruleId\":\"a1\",\"ts\":5,\"enabled\":false,\"op\":\"==\"}"));
        assertThat(junk).isEqualTo(r);
        assertRejected(Stream.ALERT_RULES, obj("ts", 5, "enabled", false), MISSING_FIELD, "ruleId: missing");
        assertRejected(Stream.ALERT_RULES, obj("ruleId", "a1", "enabled", false), MISSING_FIELD, "ts: missing");
    }

    @Test
    void alertRuleFromConfigMap() throws Exception {
        // As the YAML loader hands default rules over: Integer, Double, String, nested maps; no ts.
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ruleId", "cpa-above-margin");
        m.put("dimension", "CREATOR");
        m.put("window", "1h");
        m.put("metric", "cpa");
        m.put("op", ">");
        m.put("threshold", Map.of("metric", "marginPerOrder"));
        m.put("minSample", Map.of("metric", "attributedOrders", "value", 5));
        m.put("forWindows", 2);
        AlertRule r = AlertTopology.configuredRule(m);
        assertThat(r.ts).isZero();
        assertThat(r.windowMs).isEqualTo(3_600_000L);
        assertThat(r.thresholdMetric).isEqualTo("marginPerOrder");
        assertThat(r.minSampleValue).isEqualTo(5.0);
        assertThat(r.forWindows).isEqualTo(2);

        m.put("threshold", Map.of("baseline", Map.of("windows", 24, "factor", 2.5)));
        assertThat(AlertTopology.configuredRule(m).baselineFactor).isEqualTo(2.5);
        m.put("threshold", 0.25);
        assertThat(AlertTopology.configuredRule(m).thresholdValue).isEqualTo(0.25);
        m.put("ts", 7L);
        assertThat(AlertTopology.configuredRule(m).ts).isEqualTo(7);

        m.put("op", "!=");
        InvalidRecordException e = rejectedMap(m);
        assertThat(e.reason()).isEqualTo(INVALID_VALUE);
        assertThat(e.detail()).isEqualTo("op: '!=' is not one of >, >=, <, <=");
        m.put("op", ">");
        m.remove("metric");
        assertThat(rejectedMap(m).detail()).isEqualTo("metric: missing");
    }

    private static InvalidRecordException rejectedMap(Map<String, Object> m) {
        try {
            return fail("accepted " + AlertTopology.configuredRule(m));
        } catch (InvalidRecordException e) {
            return e;
        }
    }

    // ---- the exception itself ----

    @Test
    void invalidRecordExceptionIsCheap() {
        InvalidRecordException e = rejected(Stream.VIEWS, "{");
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e.getMessage()).startsWith("MALFORMED_JSON: ");
    }

    @Test
    void dispatchCoversTheInputStreamsAndTheOutputsJobsReadBack() {
        // attributions and kpis are read back by the KPI and alerts jobs deployed on their own; the rest never is.
        List<Stream> outputs = Arrays.stream(Stream.values())
                .filter(s -> !s.isInput() && s != Stream.ATTRIBUTIONS && s != Stream.KPIS).collect(Collectors.toList());
        assertThat(outputs).isNotEmpty();
        for (Stream s : outputs) {
            List<Throwable> thrown = new ArrayList<>();
            try {
                read(s, bytes("{}"));
            } catch (IllegalArgumentException | InvalidRecordException e) {
                thrown.add(e);
            }
            assertThat(thrown).singleElement().isInstanceOf(IllegalArgumentException.class);
        }
    }
}
