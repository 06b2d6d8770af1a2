package io.tally;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.tally.alert.Alert;
import io.tally.alert.AlertState;
import io.tally.attribution.Attribution;
import io.tally.attribution.Model;
import io.tally.attribution.Touch;
import io.tally.event.AlertRule;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.ContentType;
import io.tally.event.Creator;
import io.tally.event.Dimension;
import io.tally.event.Engagement;
import io.tally.event.EngagementKind;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.SpendKind;
import io.tally.event.Stream;
import io.tally.event.Tier;
import io.tally.event.UpdateKind;
import io.tally.event.View;
import io.tally.io.DeadLetter;
import io.tally.io.DeadLetterReason;
import io.tally.io.Json;
import io.tally.io.WireFormat.Cents;
import io.tally.kpi.Kpi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * The JSON Schemas in {@code schemas/} describe exactly the records of CONTRACT.md and what {@link Json}
 * writes: the schemas are well-formed 2020-12, every record the project builds validates, and each important rule of
 * the contract rejects a line that breaks it.
 */
class SchemasTest {
    private static final long T = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long HOUR = 3_600_000L;
    /** The validator ships the 2020-12 meta-schema: this never goes to the network. */
    private static final JsonSchema META_SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    // ---- the schema files themselves ----

    @Test
    void thereIsExactlyOneSchemaPerStream() throws IOException {
        Set<String> files;
        try (var list = Files.list(SchemaSupport.SCHEMA_DIR)) {
            files = list.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> expected = Arrays.stream(Stream.values()).map(s -> s.wireName() + ".schema.json")
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(files).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stream.class)
    void schemaIsValidDraft2020_12WithIdTitleAndDescription(Stream stream) throws IOException {
        JsonNode schema = SchemaSupport.parse(Files.readString(SchemaSupport.schemaFile(stream.wireName())));

        assertThat(META_SCHEMA.validate(schema)).isEmpty();
        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("$id").asText()).isEqualTo(SchemaSupport.BASE_IRI + stream.wireName() + ".schema.json");
        assertThat(schema.path("title").asText()).isNotBlank();
        assertThat(schema.path("description").asText()).contains("`" + stream.wireName() + "`");
        assertThat(SchemaSupport.schema(stream.wireName())).isNotNull(); // compiles, every $ref resolves
    }

    @Test
    void theMetaSchemaCheckCatchesABrokenSchema() {
        assertThat(META_SCHEMA.validate(SchemaSupport.parse("{\"type\": \"strin\", \"minLength\": -1}"))).isNotEmpty();
    }

    /** A data engineer reads the schemas: every field says what it means. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Stream.class)
    void everyFieldHasADescription(Stream stream) throws IOException {
        JsonNode schema = SchemaSupport.parse(Files.readString(SchemaSupport.schemaFile(stream.wireName())));
        List<String> undescribed = new ArrayList<>();
        collectUndescribedFields(schema, "", undescribed);

        assertThat(undescribed).isEmpty();
    }

    /** Walks the field definitions, skipping the if/then/else/not parts that only narrow fields defined above. */
    private static void collectUndescribedFields(JsonNode node, String path, List<String> undescribed) {
        if (!node.isObject()) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (Set.of("if", "then", "else", "not").contains(key)) continue;
            if (key.equals("properties")) {
                e.getValue().fields().forEachRemaining(f -> {
                    if (!f.getValue().hasNonNull("description")) undescribed.add(path + "/properties/" + f.getKey());
                });
            }
            if (e.getValue().isArray()) {
                for (int i = 0; i < e.getValue().size(); i++) {
                    collectUndescribedFields(e.getValue().get(i), path + "/" + key + "/" + i, undescribed);
                }
            } else {
                collectUndescribedFields(e.getValue(), path + "/" + key, undescribed);
            }
        }
    }

    /** The schemas spell every enum exactly as the Java enums that the pipeline parses and writes. */
    @ParameterizedTest
    @MethodSource
    void enumsMatchTheJavaEnums(String stream, String pointer, Class<? extends Enum<?>> type) throws IOException {
        JsonNode values = SchemaSupport.parse(Files.readString(SchemaSupport.schemaFile(stream))).at(pointer);
        assertThat(values.isArray()).as(stream + pointer).isTrue();
        List<String> names = new ArrayList<>();
        values.forEach(v -> {
            if (!v.isNull()) names.add(v.asText()); // a nullable enum lists null besides the names
        });

        assertThat(names).containsExactly(Arrays.stream(type.getEnumConstants()).map(Enum::name).toArray(String[]::new));
    }

    static java.util.stream.Stream<Arguments> enumsMatchTheJavaEnums() {
        return java.util.stream.Stream.of(
                Arguments.of("views", "/properties/contentType/enum", ContentType.class),
                Arguments.of("engagements", "/properties/contentType/enum", ContentType.class),
                Arguments.of("clicks", "/properties/contentType/enum", ContentType.class),
                Arguments.of("engagements", "/properties/kind/enum", EngagementKind.class),
                Arguments.of("order-updates", "/properties/kind/enum", UpdateKind.class),
                Arguments.of("spend", "/properties/kind/enum", SpendKind.class),
                Arguments.of("alert-rules", "/$defs/dimension/enum", Dimension.class),
                Arguments.of("attributions", "/properties/model/enum", Model.class),
                Arguments.of("attributions", "/properties/touch/enum", Touch.class),
                Arguments.of("attributions", "/properties/tier/enum", Tier.class),
                Arguments.of("attributions", "/properties/updateKind/enum", UpdateKind.class),
                Arguments.of("kpis", "/properties/dimension/enum", Dimension.class),
                Arguments.of("kpis", "/allOf/1/then/properties/key/enum", Tier.class),
                Arguments.of("alerts", "/properties/dimension/enum", Dimension.class),
                Arguments.of("alerts", "/properties/state/enum", AlertState.class),
                Arguments.of("dead-letters", "/properties/reason/enum", DeadLetterReason.class));
    }

    @Test
    void deadLettersNameTheInputStreams() throws IOException {
        JsonNode values = SchemaSupport.parse(Files.readString(SchemaSupport.schemaFile("dead-letters")))
                .at("/properties/stream/enum");
        List<String> names = new ArrayList<>();
        values.forEach(v -> names.add(v.asText()));

        assertThat(names).containsExactly(
                Arrays.stream(Stream.values()).filter(Stream::isInput).map(Stream::wireName).toArray(String[]::new));
    }

    /** The KPI record has the metrics of {@link io.tally.event.Metric}, all of them, in its order, all required. */
    @Test
    void theKpiSchemaListsExactlyTheMetrics() throws IOException {
        List<String> kpiMetrics = kpiSchemaMetrics();
        // The one definition of the metrics, which the KPI record and the alert rules are read against.
        assertThat(kpiMetrics).containsExactlyElementsOf(
                java.util.Arrays.stream(io.tally.event.Metric.values()).map(io.tally.event.Metric::wireName).toList());
        List<String> required = new ArrayList<>(enumAt("kpis", "/required"));
        required.removeAll(List.of("dimension", "key", "windowStart", "windowEnd", "final"));
        assertThat(required).containsExactlyElementsOf(kpiMetrics);
    }

    /** Alert rules and alerts name the metrics of the KPI record, all of them and nothing else. */
    @Test
    void metricNamesAreTheKpiMetrics() throws IOException {
        List<String> kpiMetrics = kpiSchemaMetrics();

        assertThat(enumAt("alert-rules", "/$defs/metric/enum")).containsExactlyElementsOf(kpiMetrics);
        assertThat(enumAt("alerts", "/properties/metric/enum")).containsExactlyElementsOf(kpiMetrics);
    }

    private static List<String> kpiSchemaMetrics() throws IOException {
        JsonNode kpiFields = SchemaSupport.parse(Files.readString(SchemaSupport.schemaFile("kpis"))).path("properties");
        List<String> kpiMetrics = new ArrayList<>();
        kpiFields.fieldNames().forEachRemaining(kpiMetrics::add);
        kpiMetrics.removeAll(List.of("dimension", "key", "windowStart", "windowEnd", "final"));
        return kpiMetrics;
    }

    private static List<String> enumAt(String stream, String pointer) throws IOException {
        List<String> names = new ArrayList<>();
        SchemaSupport.parse(Files.readString(SchemaSupport.schemaFile(stream))).at(pointer)
                .forEach(v -> names.add(v.asText()));
        return names;
    }

    // ---- records built as Java objects and written by Json validate ----

    @ParameterizedTest
    @MethodSource
    void writtenRecordsAreValid(String stream, Object record) {
        String json = Json.write(record);
        SchemaSupport.assertValid(stream, json);
        for (String money : SchemaSupport.moneyValues(stream, json)) {
            assertThat(money.substring(money.indexOf('=') + 1)).as(money).matches(WRITTEN_MONEY);
        }
    }

    static java.util.stream.Stream<Arguments> writtenRecordsAreValid() {
        return java.util.stream.Stream.of(
                written("views", "full", new View("v-1", T, "u-1", "c-1", "ct-1", ContentType.VIDEO, "TUTORIAL",
                        new String[] {"p-1", "p-2"})),
                written("views", "minimal", new View("v-2", 0, "u", "c", "ct", ContentType.LIVE, null, null)),
                written("views", "no products", new View("v-3", T, "u", "c", "ct", ContentType.LIVE, "OTHER",
                        new String[0])),
                written("engagements", "full", new Engagement("e-1", T, "u-1", "c-1", "ct-1", ContentType.LIVE,
                        "BEHIND_THE_SCENES_2", EngagementKind.SHARE)),
                written("engagements", "minimal", new Engagement("e-2", T, "u", "c", "ct", ContentType.VIDEO, null,
                        EngagementKind.LIKE)),
                written("clicks", "full", new Click("k-1", T, "u-1", "c-1", "ct-1", ContentType.VIDEO, "p-1", "m-1",
                        "REVIEW")),
                written("clicks", "minimal", new Click("k-2", T, "u", "c", "ct", ContentType.LIVE, "p", "m", null)),
                written("orders", "two lines, one discounted", new Order("o-1", T, "u-1", "m-1", new OrderLine[] {
                        new OrderLine("l-1", "p-1", 2, 1999, 500), new OrderLine("l-2", "p-2", 1, 29, 0)})),
                written("orders", "free line", new Order("o-2", T, "u", "m", new OrderLine[] {
                        new OrderLine("l", "p", 1, 0, 0)})),
                written("orders", "1000 lines", new Order("o-3", T, "u", "m", lines(1000))),
                written("orders", "money beyond double precision", new Order("o-4", T, "u", "m", new OrderLine[] {
                        new OrderLine("l", "p", 1, 9_007_199_254_740_993L, 1)})),
                written("order-updates", "cancel", new OrderUpdate("up-1", T, "o-1", "l-1", UpdateKind.CANCEL, null)),
                written("order-updates", "partial refund", new OrderUpdate("up-2", T, "o-1", "l-1", UpdateKind.REFUND,
                        1250L)),
                written("order-updates", "full refund", new OrderUpdate("up-3", T, "o-1", "l-1", UpdateKind.REFUND,
                        null)),
                written("commission-rules", "full", new CommissionRule("r-1", 0, "m-1", "p-1", "c-1",
                        new BigDecimal("0.125"), new BigDecimal("0.05"), T + 30 * 24 * HOUR, false)),
                written("commission-rules", "merchant-wide", new CommissionRule("r-2", T, "m-1", null, null,
                        BigDecimal.ONE, null, null, false)),
                written("commission-rules", "deleted", new CommissionRule("r-1", T, "m-1", null, null, null, null,
                        null, true)),
                written("products", "full", new Product("p-1", 0, "m-1", "beauty", 1999L, 750L, 120L)),
                written("products", "minimal", new Product("p-2", 0, "m-1", null, null, null, null)),
                written("creators", "full", new Creator("c-1", 0, 25_000, "u-9", "makeup")),
                written("creators", "minimal", new Creator("c-2", 0, 0, null, null)),
                written("spend", "flat fee", new Spend("s-1", T, "m-1", "c-1", 25_000, SpendKind.FLAT_FEE)),
                written("spend", "free sample", new Spend("s-2", T, "m-1", "c-1", 0, SpendKind.SAMPLE)),
                written("reviews", "of an order, 5 stars", new Review("rv-1", T, "u-1", "p-1", "m-1", 5, "o-1")),
                written("reviews", "without an order, 1 star", new Review("rv-2", T, "u", "p", "m", 1, null)),
                written("alert-rules", "number threshold, every option", alertRule(r -> {
                    r.thresholdValue = 0.02;
                    r.minSampleMetric = "views";
                    r.minSampleValue = 1000.0;
                    r.forWindows = 3;
                    r.early = true;
                })),
                written("alert-rules", "metric threshold", alertRule(r -> r.thresholdMetric = "marginPerOrder")),
                written("alert-rules", "alsoRequire, on a dimension and metric of v1.2", alertRule(r -> {
                    r.dimension = Dimension.PRODUCT.name();
                    r.metric = "avgRating";
                    r.thresholdValue = 3.0;
                    r.minSampleMetric = "reviews";
                    r.minSampleValue = 5.0;
                    r.alsoRequireMetric = "clicks";
                    r.alsoRequireOp = ">=";
                    r.alsoRequireValue = 1.0;
                })),
                written("alert-rules", "baseline threshold", alertRule(r -> {
                    r.baselineWindows = 24;
                    r.baselineFactor = 0.5;
                })),
                written("alert-rules", "disabled", disabledAlertRule()),
                written("attributions", "last click", clickAttribution()),
                written("attributions", "view-through, unpaid, margin unknown", viewAttribution()),
                written("attributions", "organic", organicAttribution()),
                written("attributions", "self-purchase", selfPurchase()),
                written("attributions", "effective rate above 1", withRate(clickAttribution(), "1.50")),
                written("attributions", "reversal", reversal(clickAttribution(), -1250, -188)),
                written("attributions", "reversal of an organic line", reversal(organicAttribution(), -3498, 0)),
                written("attributions-shadow", "linear half", linearHalf()),
                written("attributions-shadow", "reversal", reversal(linearHalf(), -625, -94)),
                written("kpis", "creator, interim, every ratio", creatorKpi()),
                written("kpis", "product, final, with stock", productKpi()),
                written("kpis", "empty ALL window", emptyKpi(Dimension.ALL, Dimension.ALL_KEY)),
                written("kpis", "tier window with only a reversal", reversalOnlyKpi()),
                written("kpis", "product with reviews", reviewedKpi(emptyKpi(Dimension.PRODUCT, "p-1"))),
                written("kpis", "category with reviews", reviewedKpi(emptyKpi(Dimension.CATEGORY, "beauty"))),
                written("kpis", "category UNKNOWN, no reviews", emptyKpi(Dimension.CATEGORY, Dimension.UNKNOWN)),
                written("kpis", "niche with reviews and gmvShare", withGmvShare(
                        reviewedKpi(emptyKpi(Dimension.NICHE, "makeup")))),
                written("kpis", "niche UNKNOWN, no reviews", emptyKpi(Dimension.NICHE, Dimension.UNKNOWN)),
                written("kpis", "match with reviews and gmvShare", withGmvShare(
                        reviewedKpi(emptyKpi(Dimension.MATCH, Dimension.match("makeup", "beauty"))))),
                written("kpis", "match of unknowns, no reviews",
                        emptyKpi(Dimension.MATCH, Dimension.match(Dimension.UNKNOWN, Dimension.UNKNOWN))),
                written("kpis", "category key longer than 128 characters",
                        emptyKpi(Dimension.CATEGORY, "c".repeat(300))),
                written("alerts", "firing", firingAlert()),
                written("alerts", "resolved by a slot without a record", resolvedAlert()),
                written("dead-letters", "from Kafka", new DeadLetter("orders", DeadLetterReason.MISSING_FIELD,
                        "missing field 'lines'", "{\"orderId\":\"o-2\"}", "tally.orders", 3, 1042L)),
                written("dead-letters", "from a replay file", new DeadLetter("order-updates",
                        DeadLetterReason.UNKNOWN_ORDER, "no order o-9", "{}", null, null, null)),
                written("dead-letters", "payload cut at 10,000 characters", new DeadLetter("views",
                        DeadLetterReason.MALFORMED_JSON, null, "{".repeat(25_000), "tally.views", 0, 0L)));
    }

    private static Arguments written(String stream, String what, Object record) {
        return argumentSet(stream + ": " + what, stream, record);
    }

    private static OrderLine[] lines(int n) {
        OrderLine[] lines = new OrderLine[n];
        for (int i = 0; i < n; i++) lines[i] = new OrderLine("l-" + i, "p-" + i % 7, 1 + i % 3, 100 + i, 0);
        return lines;
    }

    private static AlertRule alertRule(Consumer<AlertRule> threshold) {
        AlertRule r = new AlertRule();
        r.ruleId = "rule-1";
        r.ts = T;
        r.dimension = Dimension.CREATOR.name();
        r.windowMs = HOUR;
        r.metric = "ctr";
        r.op = "<";
        threshold.accept(r);
        return r;
    }

    private static AlertRule disabledAlertRule() {
        AlertRule r = new AlertRule();
        r.ruleId = "rule-1";
        r.ts = T + 24 * HOUR;
        r.enabled = false;
        return r;
    }

    private static Attribution clickAttribution() {
        Attribution a = new Attribution();
        a.orderId = "o-1";
        a.lineId = "l-1";
        a.ts = T + HOUR;
        a.userId = "u-1";
        a.merchantId = "m-1";
        a.productId = "p-1";
        a.quantity = 2;
        a.lineAmountCents = 3498;
        a.model = Model.LAST_CLICK;
        a.touch = Touch.CLICK;
        a.touchEventId = "k-1";
        a.touchTs = T;
        a.creatorId = "c-1";
        a.contentId = "ct-1";
        a.contentFormat = "REVIEW";
        a.tier = Tier.MICRO.name();
        a.weight = 1.0;
        a.amountCents = 3498;
        a.commissionRate = new BigDecimal("0.150"); // written as 0.15
        a.commissionCents = 525;
        a.marginCents = 1998L;
        a.newCustomer = true;
        return a;
    }

    private static Attribution viewAttribution() {
        Attribution a = clickAttribution();
        a.touch = Touch.VIEW;
        a.touchEventId = "v-1";
        a.tier = Tier.UNKNOWN.name();
        a.commissionCents = 0;
        a.marginCents = null;
        a.newCustomer = false;
        return a;
    }

    private static Attribution organicAttribution() {
        Attribution a = clickAttribution();
        a.touch = Touch.NONE;
        a.touchEventId = null;
        a.touchTs = null;
        a.creatorId = null;
        a.contentId = null;
        a.contentFormat = null;
        a.tier = null;
        a.commissionRate = null;
        a.commissionCents = 0;
        return a;
    }

    private static Attribution selfPurchase() {
        Attribution a = clickAttribution();
        a.selfPurchase = true;
        a.commissionCents = 0;
        return a;
    }

    private static Attribution withRate(Attribution a, String rate) {
        a.commissionRate = new BigDecimal(rate);
        a.commissionCents = Math.round(a.amountCents * Double.parseDouble(rate));
        return a;
    }

    private static Attribution linearHalf() {
        Attribution a = clickAttribution();
        a.model = Model.LINEAR;
        a.weight = 0.5;
        a.amountCents = 1749;
        a.commissionCents = 262;
        a.marginCents = 999L;
        return a;
    }

    private static Attribution reversal(Attribution original, long amountCents, long commissionCents) {
        Attribution r = original.copy();
        r.ts = original.ts + 24 * HOUR;
        r.reversal = true;
        r.updateEventId = "up-1";
        r.updateKind = UpdateKind.REFUND.name();
        r.amountCents = amountCents;
        r.commissionCents = commissionCents;
        return r;
    }

    private static Kpi emptyKpi(Dimension dimension, String key) {
        Kpi k = new Kpi();
        k.dimension = dimension.name();
        k.key = key;
        k.windowStart = T;
        k.windowEnd = T + HOUR;
        k.isFinal = true;
        return k;
    }

    private static Kpi creatorKpi() {
        Kpi k = emptyKpi(Dimension.CREATOR, "c-1");
        k.isFinal = false;
        k.views = 1200;
        k.likes = 80;
        k.comments = 12;
        k.shares = 8;
        k.clicks = 60;
        k.units = 7.5;
        k.gmvCents = 34_980;
        k.orders = 6;
        k.newCustomerOrders = 4;
        k.attributedOrders = 6;
        k.attributedGmvCents = 34_980;
        k.commissionCents = 5247;
        k.marginCents = 12_000;
        k.refunds = 1;
        k.refundedAmountCents = 1250;
        k.spendCents = 25_000;
        k.engagementRate = 100 / 1200.0;
        k.ctr = 0.05;
        k.aovCents = 5830L;
        k.conversionRate = 0.1;
        k.cpaCents = 5041L;
        k.newCustomerRate = 4 / 6.0;
        k.netGmvCents = 33_730;
        k.marginPerOrderCents = 2000L;
        k.gmvShare = 0.25;
        return k;
    }

    private static Kpi productKpi() {
        Kpi k = emptyKpi(Dimension.PRODUCT, "p-1");
        k.views = 40;
        k.clicks = 3;
        k.units = 2;
        k.gmvCents = 3498;
        k.orders = 1;
        k.ctr = 3 / 40.0;
        k.aovCents = 3498L;
        k.newCustomerRate = 0.0;
        k.netGmvCents = 3498;
        k.stock = 118L;
        return k;
    }

    /** Three reviews, one of them negative: ratings 5, 4 and 2. */
    private static Kpi reviewedKpi(Kpi k) {
        k.reviews = 3;
        k.ratingSum = 11;
        k.negativeReviews = 1;
        k.avgRating = 11 / 3.0;
        k.negativeReviewRate = 1 / 3.0;
        return k;
    }

    private static Kpi withGmvShare(Kpi k) {
        k.attributedOrders = 1;
        k.attributedGmvCents = 3498;
        k.gmvCents = 3498;
        k.orders = 1;
        k.netGmvCents = 3498;
        k.aovCents = 3498L;
        k.gmvShare = 0.5;
        return k;
    }

    private static Kpi reversalOnlyKpi() {
        Kpi k = emptyKpi(Dimension.TIER, Tier.UNKNOWN.name());
        k.refunds = 1;
        k.refundedAmountCents = 1250;
        k.commissionCents = -188;
        k.netGmvCents = -1250;
        return k;
    }

    private static Alert firingAlert() {
        Alert a = new Alert();
        a.alertId = "cpa-above-margin|CREATOR|c-1|" + T;
        a.ruleId = "cpa-above-margin";
        a.dimension = Dimension.CREATOR.name();
        a.key = "c-1";
        a.metric = "cpa";
        a.op = ">";
        a.value = 50.41;
        a.threshold = 20.0;
        a.state = AlertState.FIRING;
        a.windowStart = T + HOUR;
        a.windowEnd = T + 2 * HOUR;
        a.ts = a.windowEnd;
        return a;
    }

    private static Alert resolvedAlert() {
        Alert a = firingAlert();
        a.state = AlertState.RESOLVED;
        a.value = null;
        a.threshold = null;
        a.windowStart = T + 2 * HOUR;
        a.windowEnd = T + 3 * HOUR;
        a.ts = a.windowEnd;
        return a;
    }

    // ---- hand-written lines: one valid example per stream, then one defect per important rule ----

    private static final String VIEW = """
            {"eventId": "v-1", "ts": 1767225600000, "userId": "u-1", "creatorId": "c-1", "contentId": "ct-1",
             "contentType": "VIDEO", "contentFormat": "TUTORIAL", "productIds": ["p-1", "p-2"]}""";
    private static final String ENGAGEMENT = """
            {"eventId": "e-1", "ts": 1767225600000, "userId": "u-1", "creatorId": "c-1", "contentId": "ct-1",
             "contentType": "LIVE", "kind": "LIKE"}""";
    private static final String CLICK = """
            {"eventId": "k-1", "ts": 1767225600000, "userId": "u-1", "creatorId": "c-1", "contentId": "ct-1",
             "contentType": "VIDEO", "productId": "p-1", "merchantId": "m-1", "contentFormat": "REVIEW"}""";
    private static final String ORDER = """
            {"orderId": "o-1", "ts": 1767229200000, "userId": "u-1", "merchantId": "m-1", "lines": [
              {"lineId": "l-1", "productId": "p-1", "quantity": 2, "unitPrice": 19.99, "discount": 5.00},
              {"lineId": "l-2", "productId": "p-2", "quantity": 1, "unitPrice": 0.29}]}""";
    private static final String ORDER_UPDATE = """
            {"eventId": "up-1", "ts": 1767315600000, "orderId": "o-1", "lineId": "l-1", "kind": "REFUND",
             "amount": 12.50}""";
    private static final String COMMISSION_RULE = """
            {"ruleId": "r-1", "ts": 0, "merchantId": "m-1", "productId": "p-1", "creatorId": "c-1", "rate": 0.1,
             "bonusRate": 0.05, "validUntil": 1798761600000}""";
    private static final String PRODUCT = """
            {"productId": "p-1", "ts": 0, "merchantId": "m-1", "category": "beauty", "price": 19.99, "unitCost": 7.50,
             "stock": 120}""";
    private static final String CREATOR = """
            {"creatorId": "c-1", "ts": 0, "followers": 25000, "userId": "u-9", "niche": "makeup"}""";
    private static final String SPEND = """
            {"eventId": "s-1", "ts": 1767225600000, "merchantId": "m-1", "creatorId": "c-1", "amount": 250.00,
             "kind": "FLAT_FEE"}""";
    private static final String REVIEW = """
            {"eventId": "rv-1", "ts": 1767312000000, "userId": "u-1", "productId": "p-1", "merchantId": "m-1",
             "rating": 4, "orderId": "o-1"}""";
    private static final String ALERT_RULE = """
            {"ruleId": "cpa-above-margin", "ts": 0, "dimension": "CREATOR", "window": "1h", "metric": "cpa", "op": ">",
             "threshold": {"metric": "marginPerOrder"}, "minSample": {"metric": "attributedOrders", "value": 5},
             "forWindows": 2}""";
    private static final String ATTRIBUTION = """
            {"orderId": "o-1", "lineId": "l-1", "ts": 1767229200000, "userId": "u-1", "merchantId": "m-1",
             "productId": "p-1", "quantity": 2, "lineAmount": 34.98, "model": "LAST_CLICK", "touch": "CLICK",
             "touchEventId": "k-1", "touchTs": 1767225600000, "creatorId": "c-1", "contentId": "ct-1",
             "contentFormat": "REVIEW", "tier": "MICRO", "weight": 1.0, "amount": 34.98, "commissionRate": 0.15,
             "commission": 5.25, "margin": 19.98, "newCustomer": true, "selfPurchase": false, "reversal": false}""";
    private static final String REVERSAL = """
            {"orderId": "o-1", "lineId": "l-1", "ts": 1767315600000, "userId": "u-1", "merchantId": "m-1",
             "productId": "p-1", "quantity": 2, "lineAmount": 34.98, "model": "LAST_CLICK", "touch": "CLICK",
             "touchEventId": "k-1", "touchTs": 1767225600000, "creatorId": "c-1", "contentId": "ct-1",
             "contentFormat": "REVIEW", "tier": "MICRO", "weight": 1.0, "amount": -12.50, "commissionRate": 0.15,
             "commission": -1.88, "margin": 19.98, "newCustomer": true, "selfPurchase": false, "reversal": true,
             "updateEventId": "up-1", "updateKind": "REFUND"}""";
    private static final String SHADOW = ATTRIBUTION.replace("\"LAST_CLICK\"", "\"LINEAR\"")
            .replace("\"weight\": 1.0, \"amount\": 34.98", "\"weight\": 0.5, \"amount\": 17.49")
            .replace("\"commission\": 5.25, \"margin\": 19.98", "\"commission\": 2.62, \"margin\": 9.99");
    private static final String KPI = """
            {"dimension": "CREATOR", "key": "c-1", "windowStart": 1767225600000, "windowEnd": 1767229200000,
             "final": true, "views": 1200, "likes": 80, "comments": 12, "shares": 8, "clicks": 60, "units": 7.5,
             "gmv": 349.80, "orders": 6, "newCustomerOrders": 4, "attributedOrders": 6, "attributedGmv": 349.80,
             "commission": 52.47, "margin": 120.00, "refunds": 1, "refundedAmount": 12.50, "spend": 250.00,
             "reviews": 3, "ratingSum": 11, "negativeReviews": 1, "engagementRate": 0.08333333333333333, "ctr": 0.05, "aov": 58.30, "conversionRate": 0.1, "cpa": 50.41,
             "newCustomerRate": 0.6666666666666666, "netGmv": 337.30, "marginPerOrder": 20.00, "gmvShare": 0.25,
             "stock": null, "avgRating": 3.6666666666666665, "negativeReviewRate": 0.3333333333333333}""";
    private static final String ALERT = """
            {"alertId": "cpa-above-margin|CREATOR|c-1|1767225600000", "ruleId": "cpa-above-margin",
             "dimension": "CREATOR", "key": "c-1", "metric": "cpa", "op": ">", "value": 50.41, "threshold": 20.0,
             "state": "FIRING", "windowStart": 1767229200000, "windowEnd": 1767232800000, "ts": 1767232800000}""";
    private static final String DEAD_LETTER = """
            {"stream": "orders", "reason": "MALFORMED_JSON", "detail": "unexpected end of input",
             "payload": "{orderId: o-2", "topic": "tally.orders", "partition": 3, "offset": 1042}""";

    /** One hand-written example of every stream, by wire name. */
    private static final Map<String, String> EXAMPLES = examples();

    private static Map<String, String> examples() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("views", VIEW);
        m.put("engagements", ENGAGEMENT);
        m.put("clicks", CLICK);
        m.put("orders", ORDER);
        m.put("order-updates", ORDER_UPDATE);
        m.put("commission-rules", COMMISSION_RULE);
        m.put("products", PRODUCT);
        m.put("creators", CREATOR);
        m.put("spend", SPEND);
        m.put("reviews", REVIEW);
        m.put("alert-rules", ALERT_RULE);
        m.put("attributions", ATTRIBUTION);
        m.put("attributions-shadow", SHADOW);
        m.put("kpis", KPI);
        m.put("alerts", ALERT);
        m.put("dead-letters", DEAD_LETTER);
        return m;
    }

    @ParameterizedTest
    @MethodSource
    void handWrittenExamplesAreValid(String stream, String line) {
        SchemaSupport.assertValid(stream, line);
    }

    static java.util.stream.Stream<Arguments> handWrittenExamplesAreValid() {
        return java.util.stream.Stream.concat(
                EXAMPLES.entrySet().stream().map(e -> argumentSet(e.getKey(), e.getKey(), e.getValue())),
                java.util.stream.Stream.of(
                        argumentSet("attributions: reversal", "attributions", REVERSAL),
                        argumentSet("reviews: without an order", "reviews", edit(REVIEW, ", \"orderId\": \"o-1\"", "")),
                        argumentSet("reviews: 1 star", "reviews", edit(REVIEW, "\"rating\": 4", "\"rating\": 1")),
                        argumentSet("reviews: 5 stars", "reviews", edit(REVIEW, "\"rating\": 4", "\"rating\": 5")),
                        argumentSet("kpis: no reviews, avgRating and negativeReviewRate null", "kpis", noReviews(KPI)),
                        argumentSet("kpis: CATEGORY", "kpis", edit(edit(edit(KPI, "\"CREATOR\"", "\"CATEGORY\""),
                                "\"c-1\"", "\"beauty\""), "\"gmvShare\": 0.25", "\"gmvShare\": null")),
                        argumentSet("kpis: CATEGORY UNKNOWN", "kpis", edit(edit(edit(KPI, "\"CREATOR\"", "\"CATEGORY\""),
                                "\"c-1\"", "\"UNKNOWN\""), "\"gmvShare\": 0.25", "\"gmvShare\": null")),
                        argumentSet("kpis: NICHE with gmvShare", "kpis",
                                edit(edit(KPI, "\"CREATOR\"", "\"NICHE\""), "\"c-1\"", "\"makeup\"")),
                        argumentSet("kpis: NICHE without reviews", "kpis",
                                noReviews(edit(edit(KPI, "\"CREATOR\"", "\"NICHE\""), "\"c-1\"", "\"UNKNOWN\""))),
                        argumentSet("kpis: MATCH with gmvShare", "kpis",
                                edit(edit(KPI, "\"CREATOR\"", "\"MATCH\""), "\"c-1\"", "\"makeup|beauty\"")),
                        argumentSet("kpis: MATCH of unknowns", "kpis",
                                edit(edit(KPI, "\"CREATOR\"", "\"MATCH\""), "\"c-1\"", "\"UNKNOWN|UNKNOWN\""))));
    }

    /** A KPI line with no reviews: the counts 0, the ratios null. */
    private static String noReviews(String kpi) {
        return edit(edit(kpi, "\"reviews\": 3, \"ratingSum\": 11, \"negativeReviews\": 1",
                        "\"reviews\": 0, \"ratingSum\": 0, \"negativeReviews\": 0"),
                "\"avgRating\": 3.6666666666666665, \"negativeReviewRate\": 0.3333333333333333",
                "\"avgRating\": null, \"negativeReviewRate\": null");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stream.class)
    void inputsIgnoreUnknownFieldsAndOutputsListEveryField(Stream stream) {
        String withUnknownField = "{\"addedLater\": 1, " + EXAMPLES.get(stream.wireName()).substring(1);

        if (stream.isInput()) {
            SchemaSupport.assertValid(stream.wireName(), withUnknownField);
        } else {
            assertThat(types(SchemaSupport.validate(stream.wireName(), withUnknownField)))
                    .containsExactly("additionalProperties");
        }
    }

    @ParameterizedTest
    @MethodSource
    void defectsAreRejected(String stream, String line, String keyword, String field) {
        Set<ValidationMessage> errors = SchemaSupport.validate(stream, line);

        assertThat(errors).as(line)
                .anySatisfy(m -> {
                    assertThat(m.getType()).isEqualTo(keyword);
                    assertThat(m.getMessage()).contains(field);
                });
    }

    static java.util.stream.Stream<Arguments> defectsAreRejected() {
        return java.util.stream.Stream.of(
                // common rules
                defect("views", "eventId missing", "required", "eventId",
                        edit(VIEW, "\"eventId\": \"v-1\", ", "")),
                defect("views", "contentType not VIDEO or LIVE", "enum", "contentType",
                        edit(VIEW, "\"VIDEO\"", "\"SHORT\"")),
                defect("views", "id longer than 128 characters", "maxLength", "userId",
                        edit(VIEW, "\"u-1\"", "\"" + "u".repeat(129) + "\"")),
                defect("views", "empty id", "minLength", "creatorId", edit(VIEW, "\"c-1\"", "\"\"")),
                defect("views", "negative ts", "minimum", "ts", edit(VIEW, "1767225600000", "-1")),
                defect("views", "fractional ts", "type", "ts", edit(VIEW, "1767225600000", "1767225600000.5")),
                defect("views", "ts as a string", "type", "ts", edit(VIEW, "1767225600000", "\"1767225600000\"")),
                defect("views", "lower-case contentFormat", "pattern", "contentFormat",
                        edit(VIEW, "\"TUTORIAL\"", "\"tutorial\"")),
                defect("views", "null optional field", "type", "productIds",
                        edit(VIEW, "[\"p-1\", \"p-2\"]", "null")),
                defect("engagements", "kind DISLIKE", "enum", "kind", edit(ENGAGEMENT, "\"LIKE\"", "\"DISLIKE\"")),
                defect("clicks", "merchantId missing", "required", "merchantId",
                        edit(CLICK, "\"merchantId\": \"m-1\", ", "")),
                // orders
                defect("orders", "quantity 0", "minimum", "quantity",
                        edit(ORDER, "\"quantity\": 2", "\"quantity\": 0")),
                defect("orders", "fractional quantity", "type", "quantity",
                        edit(ORDER, "\"quantity\": 2", "\"quantity\": 1.5")),
                defect("orders", "negative unitPrice", "minimum", "unitPrice", edit(ORDER, "0.29", "-0.29")),
                defect("orders", "negative discount", "minimum", "discount", edit(ORDER, "5.00", "-5.00")),
                defect("orders", "line without productId", "required", "productId",
                        edit(ORDER, "\"productId\": \"p-2\", ", "")),
                defect("orders", "no lines", "minItems", "lines", orderWithLines(0)),
                defect("orders", "1001 lines", "maxItems", "lines", orderWithLines(1001)),
                // order updates
                defect("order-updates", "refund amount 0", "exclusiveMinimum", "amount",
                        edit(ORDER_UPDATE, "12.50", "0")),
                defect("order-updates", "cancel with an amount", "not", "amount",
                        edit(ORDER_UPDATE, "\"REFUND\"", "\"CANCEL\"")),
                defect("order-updates", "kind RETURN", "enum", "kind", edit(ORDER_UPDATE, "\"REFUND\"", "\"RETURN\"")),
                // versioned streams and spend
                defect("commission-rules", "rate 1.5", "maximum", "rate", edit(COMMISSION_RULE, "0.1,", "1.5,")),
                defect("commission-rules", "negative bonusRate", "minimum", "bonusRate",
                        edit(COMMISSION_RULE, "0.05", "-0.05")),
                defect("commission-rules", "no rate and not deleted", "required", "rate",
                        edit(COMMISSION_RULE, "\"rate\": 0.1,", "")),
                defect("commission-rules", "deleted false and no rate", "required", "rate",
                        edit(COMMISSION_RULE, "\"rate\": 0.1,", "\"deleted\": false,")),
                defect("products", "negative stock", "minimum", "stock", edit(PRODUCT, "120", "-1")),
                defect("creators", "followers missing", "required", "followers",
                        edit(CREATOR, "\"followers\": 25000, ", "")),
                defect("creators", "negative followers", "minimum", "followers", edit(CREATOR, "25000", "-1")),
                defect("spend", "negative amount", "minimum", "amount", edit(SPEND, "250.00", "-250.00")),
                defect("spend", "kind BRIBE", "enum", "kind", edit(SPEND, "\"FLAT_FEE\"", "\"BRIBE\"")),
                // reviews
                defect("reviews", "rating 0", "minimum", "rating", edit(REVIEW, "\"rating\": 4", "\"rating\": 0")),
                defect("reviews", "rating 6", "maximum", "rating", edit(REVIEW, "\"rating\": 4", "\"rating\": 6")),
                defect("reviews", "fractional rating", "type", "rating",
                        edit(REVIEW, "\"rating\": 4", "\"rating\": 4.5")),
                defect("reviews", "rating as a string", "type", "rating",
                        edit(REVIEW, "\"rating\": 4", "\"rating\": \"4\"")),
                defect("reviews", "merchantId missing", "required", "merchantId",
                        edit(REVIEW, "\"merchantId\": \"m-1\",", "")),
                defect("reviews", "rating missing", "required", "rating", edit(REVIEW, "\"rating\": 4, ", "")),
                defect("reviews", "empty orderId", "minLength", "orderId", edit(REVIEW, "\"o-1\"", "\"\"")),
                // alert rules
                defect("alert-rules", "enabled rule without threshold", "required", "threshold",
                        edit(ALERT_RULE, "\"threshold\": {\"metric\": \"marginPerOrder\"}, ", "")),
                defect("alert-rules", "threshold both metric and baseline", "oneOf", "threshold",
                        edit(ALERT_RULE, "{\"metric\": \"marginPerOrder\"}",
                                "{\"metric\": \"marginPerOrder\", \"baseline\": {\"windows\": 3, \"factor\": 2}}")),
                defect("alert-rules", "threshold a string", "oneOf", "threshold",
                        edit(ALERT_RULE, "{\"metric\": \"marginPerOrder\"}", "\"high\"")),
                defect("alert-rules", "baseline of 0 windows", "minimum", "windows",
                        edit(ALERT_RULE, "{\"metric\": \"marginPerOrder\"}",
                                "{\"baseline\": {\"windows\": 0, \"factor\": 2}}")),
                defect("alert-rules", "window not a duration", "pattern", "window",
                        edit(ALERT_RULE, "\"1h\"", "\"hourly\"")),
                defect("alert-rules", "op ==", "enum", "op", edit(ALERT_RULE, "\">\"", "\"==\"")),
                defect("alert-rules", "unknown metric", "enum", "metric", edit(ALERT_RULE, "\"cpa\"", "\"revenue\"")),
                defect("alert-rules", "dimension COUNTRY", "enum", "dimension",
                        edit(ALERT_RULE, "\"CREATOR\"", "\"COUNTRY\"")),
                defect("alert-rules", "forWindows 0", "minimum", "forWindows",
                        edit(ALERT_RULE, "\"forWindows\": 2", "\"forWindows\": 0")),
                defect("alert-rules", "alsoRequire without value", "required", "value",
                        edit(ALERT_RULE, "\"forWindows\": 2", "\"alsoRequire\": {\"metric\": \"clicks\", \"op\": \">=\"}")),
                defect("alert-rules", "alsoRequire op ==", "enum", "op",
                        edit(ALERT_RULE, "\"forWindows\": 2",
                                "\"alsoRequire\": {\"metric\": \"clicks\", \"op\": \"==\", \"value\": 1}")),
                defect("alert-rules", "alsoRequire unknown metric", "enum", "metric",
                        edit(ALERT_RULE, "\"forWindows\": 2",
                                "\"alsoRequire\": {\"metric\": \"promoted\", \"op\": \">=\", \"value\": 1}")),
                // attributions
                defect("attributions", "reversal without updateEventId", "required", "updateEventId",
                        edit(REVERSAL, "\"updateEventId\": \"up-1\", ", "")),
                defect("attributions", "reversal with a positive amount", "maximum", "amount",
                        edit(REVERSAL, "-12.50", "12.50")),
                defect("attributions", "reversal with a positive commission", "maximum", "commission",
                        edit(REVERSAL, "-1.88", "1.88")),
                defect("attributions", "non-reversal with a negative commission", "minimum", "commission",
                        edit(ATTRIBUTION, "5.25", "-5.25")),
                defect("attributions", "updateEventId on a non-reversal", "false", "updateEventId",
                        edit(ATTRIBUTION, "\"reversal\": false", "\"reversal\": false, \"updateEventId\": \"up-1\"")),
                defect("attributions", "unknown field", "additionalProperties", "campaign",
                        edit(ATTRIBUTION, "\"reversal\": false", "\"reversal\": false, \"campaign\": \"x\"")),
                defect("attributions", "touch EMAIL", "enum", "touch", edit(ATTRIBUTION, "\"CLICK\"", "\"EMAIL\"")),
                defect("attributions", "model U_SHAPED", "enum", "model",
                        edit(ATTRIBUTION, "\"LAST_CLICK\"", "\"U_SHAPED\"")),
                defect("attributions", "tier GIGA", "enum", "tier", edit(ATTRIBUTION, "\"MICRO\"", "\"GIGA\"")),
                defect("attributions", "weight 1.5", "maximum", "weight", edit(ATTRIBUTION, "1.0", "1.5")),
                defect("attributions", "commissionRate above 2", "maximum", "commissionRate",
                        edit(ATTRIBUTION, "0.15", "2.5")),
                defect("attributions", "margin missing", "required", "margin",
                        edit(ATTRIBUTION, "\"margin\": 19.98, ", "")),
                defect("attributions", "organic line naming a creator", "type", "creatorId",
                        edit(ATTRIBUTION, "\"CLICK\"", "\"NONE\"")),
                defect("attributions", "click without its event", "type", "touchEventId",
                        edit(ATTRIBUTION, "\"k-1\"", "null")),
                defect("attributions-shadow", "unknown field", "additionalProperties", "campaign",
                        edit(SHADOW, "\"reversal\": false", "\"reversal\": false, \"campaign\": \"x\"")),
                defect("attributions-shadow", "weight above 1", "maximum", "weight", edit(SHADOW, "0.5", "1.5")),
                // kpis
                defect("kpis", "dimension COUNTRY", "enum", "dimension", edit(KPI, "\"CREATOR\"", "\"COUNTRY\"")),
                defect("kpis", "negative count", "minimum", "views", edit(KPI, "1200", "-1")),
                defect("kpis", "fractional count", "type", "orders",
                        edit(KPI, "\"orders\": 6", "\"orders\": 6.5")),
                defect("kpis", "null count", "type", "clicks", edit(KPI, "\"clicks\": 60", "\"clicks\": null")),
                defect("kpis", "final missing", "required", "final", edit(KPI, "\"final\": true, ", "")),
                defect("kpis", "unknown field", "additionalProperties", "revenue",
                        edit(KPI, "\"stock\": null", "\"stock\": null, \"revenue\": 1")),
                defect("kpis", "ALL with a key other than *", "const", "key",
                        edit(KPI, "\"CREATOR\"", "\"ALL\"")),
                defect("kpis", "gmvShare on a MERCHANT record", "type", "gmvShare",
                        edit(KPI, "\"CREATOR\"", "\"MERCHANT\"")),
                defect("kpis", "stock on a CREATOR record", "type", "stock",
                        edit(KPI, "\"stock\": null", "\"stock\": 5")),
                defect("kpis", "newCustomerRate above 1", "maximum", "newCustomerRate",
                        edit(KPI, "0.6666666666666666", "1.5")),
                defect("kpis", "reviews missing", "required", "reviews", edit(KPI, "\"reviews\": 3, ", "")),
                defect("kpis", "avgRating missing", "required", "avgRating",
                        edit(KPI, ", \"avgRating\": 3.6666666666666665", "")),
                defect("kpis", "negative ratingSum", "minimum", "ratingSum", edit(KPI, "\"ratingSum\": 11", "\"ratingSum\": -1")),
                defect("kpis", "fractional negativeReviews", "type", "negativeReviews",
                        edit(KPI, "\"negativeReviews\": 1", "\"negativeReviews\": 1.5")),
                defect("kpis", "avgRating where reviews is 0", "type", "avgRating",
                        edit(noReviews(KPI), "\"avgRating\": null", "\"avgRating\": 4.0")),
                defect("kpis", "negativeReviewRate where reviews is 0", "type", "negativeReviewRate",
                        edit(noReviews(KPI), "\"negativeReviewRate\": null", "\"negativeReviewRate\": 0.0")),
                defect("kpis", "avgRating null where there are reviews", "type", "avgRating",
                        edit(KPI, "3.6666666666666665", "null")),
                defect("kpis", "avgRating above 5", "maximum", "avgRating", edit(KPI, "3.6666666666666665", "5.5")),
                defect("kpis", "avgRating below 1", "minimum", "avgRating", edit(KPI, "3.6666666666666665", "0.5")),
                defect("kpis", "negativeReviewRate above 1", "maximum", "negativeReviewRate",
                        edit(KPI, "0.3333333333333333", "1.5")),
                defect("kpis", "gmvShare on a CATEGORY record", "type", "gmvShare",
                        edit(edit(KPI, "\"CREATOR\"", "\"CATEGORY\""), "\"c-1\"", "\"beauty\"")),
                defect("kpis", "MATCH key without |", "pattern", "key",
                        edit(edit(KPI, "\"CREATOR\"", "\"MATCH\""), "\"c-1\"", "\"makeup\"")),
                defect("kpis", "creatorId key longer than 128 characters", "maxLength", "key",
                        edit(KPI, "\"c-1\"", "\"" + "c".repeat(129) + "\"")),
                defect("kpis", "empty key", "minLength", "key", edit(KPI, "\"c-1\"", "\"\"")),
                // alerts
                defect("alerts", "state PENDING", "enum", "state", edit(ALERT, "\"FIRING\"", "\"PENDING\"")),
                defect("alerts", "firing without a value", "type", "value", edit(ALERT, "50.41", "null")),
                defect("alerts", "unknown field", "additionalProperties", "severity",
                        edit(ALERT, "\"ts\": 1767232800000", "\"ts\": 1767232800000, \"severity\": \"high\"")),
                defect("alerts", "alertId not ruleId|dimension|key|windowStart", "pattern", "alertId",
                        edit(ALERT, "\"cpa-above-margin|CREATOR|c-1|1767225600000\"", "\"a-1\"")),
                // dead letters
                defect("dead-letters", "reason TOO_BIG", "enum", "reason",
                        edit(DEAD_LETTER, "\"MALFORMED_JSON\"", "\"TOO_BIG\"")),
                defect("dead-letters", "payload over 10,000 characters", "maxLength", "payload",
                        edit(DEAD_LETTER, "\"{orderId: o-2\"", "\"" + "x".repeat(10_001) + "\"")),
                defect("dead-letters", "stream review (not the wire name)", "enum", "stream",
                        edit(DEAD_LETTER, "\"orders\"", "\"review\"")),
                defect("dead-letters", "an output stream", "enum", "stream",
                        edit(DEAD_LETTER, "\"orders\"", "\"attributions\"")),
                defect("dead-letters", "partition without a topic", "type", "partition",
                        edit(DEAD_LETTER, "\"tally.orders\"", "null")),
                defect("dead-letters", "offset missing", "required", "offset",
                        edit(DEAD_LETTER, ", \"offset\": 1042", "")));
    }

    /**
     * A line that breaks one rule; {@code keyword} is the JSON Schema keyword expected to reject it and
     * {@code field} a word of the expected message (the field's name).
     */
    private static Arguments defect(String stream, String rule, String keyword, String field, String line) {
        return argumentSet(stream + ": " + rule, stream, line, keyword, field);
    }

    /** The order example with n simple lines instead of its own. */
    private static String orderWithLines(int n) {
        String lines = IntStream.range(0, n)
                .mapToObj(i -> "{\"lineId\": \"l-" + i + "\", \"productId\": \"p\", \"quantity\": 1, \"unitPrice\": 1.00}")
                .collect(Collectors.joining(", ", "[", "]"));
        return ORDER.substring(0, ORDER.indexOf('[')) + lines + "}";
    }

    /** The example with exactly one change, so that the defect is the only difference from a valid line. */
    private static String edit(String example, String from, String to) {
        int at = example.indexOf(from);
        if (at < 0 || example.indexOf(from, at + 1) >= 0) {
            throw new IllegalArgumentException("'" + from + "' must occur exactly once in " + example);
        }
        return example.substring(0, at) + to + example.substring(at + from.length());
    }

    private static List<String> types(Set<ValidationMessage> errors) {
        return errors.stream().map(ValidationMessage::getType).collect(Collectors.toList());
    }

    // ---- money: at most 2 decimals, stated by the schemas, checked here ----

    /**
     * The schemas do not enforce the 2 decimals of money (multipleOf 0.01 fails valid amounts in consumers'
     * binary floating-point validators, see ConsumerValidatorsTest), so a 3rd decimal passes the schema; the money
     * check of {@link SchemaSupport#assertValid} catches it on the exact decimal written.
     */
    @ParameterizedTest
    @MethodSource
    void aThirdDecimalOfMoneyPassesTheSchemaButNotTheMoneyCheck(String stream, String line, String field) {
        assertThat(SchemaSupport.validate(stream, line)).isEmpty();
        assertThat(SchemaSupport.moneyProblems(stream, line)).singleElement().asString()
                .startsWith(field + ": ").endsWith("has more than 2 decimals");
        assertThatThrownBy(() -> SchemaSupport.assertValid(stream, line)).hasMessageContaining(field + ": ");
    }

    static java.util.stream.Stream<Arguments> aThirdDecimalOfMoneyPassesTheSchemaButNotTheMoneyCheck() {
        return java.util.stream.Stream.of(
                argumentSet("orders: 3-decimal unitPrice", "orders", edit(ORDER, "19.99", "19.995"), "unitPrice"),
                // read as a double, this would be 92233720368547.765625: its decimals say nothing
                argumentSet("orders: 3-decimal unitPrice beyond double precision", "orders",
                        edit(ORDER, "19.99", "92233720368547.758"), "unitPrice"),
                argumentSet("orders: 3-decimal discount", "orders", edit(ORDER, "5.00", "5.001"), "discount"),
                argumentSet("order-updates: 3-decimal amount", "order-updates",
                        edit(ORDER_UPDATE, "12.50", "12.505"), "amount"),
                argumentSet("products: 3-decimal unitCost", "products", edit(PRODUCT, "7.50", "7.505"), "unitCost"),
                argumentSet("spend: 3-decimal amount", "spend", edit(SPEND, "250.00", "250.001"), "amount"),
                argumentSet("attributions: 3-decimal amount", "attributions",
                        edit(ATTRIBUTION, "\"amount\": 34.98", "\"amount\": 34.981"), "amount"),
                argumentSet("attributions: 3-decimal margin", "attributions", edit(ATTRIBUTION, "19.98", "19.985"),
                        "margin"),
                argumentSet("attributions-shadow: 3-decimal commission", "attributions-shadow",
                        edit(SHADOW, "2.62", "2.625"), "commission"),
                argumentSet("kpis: 3-decimal gmv", "kpis", edit(KPI, "\"gmv\": 349.80", "\"gmv\": 349.805"), "gmv"),
                argumentSet("kpis: 3-decimal cpa", "kpis", edit(KPI, "50.41", "50.415"), "cpa"));
    }

    @Test
    void theMoneyCheckAcceptsWholeAmountsAndTrailingZeros() {
        String line = edit(edit(PRODUCT, "19.99", "20"), "7.50", "7.500");

        assertThat(SchemaSupport.moneyValues("products", line)).containsExactly("price=20", "unitCost=7.500");
        assertThat(SchemaSupport.moneyProblems("products", line)).isEmpty();
    }

    /**
     * The fields the schemas call money are exactly the fields Tally holds in cents ({@code @Cents}, written as
     * decimal units): the money check and the writer check below cover the same fields.
     */
    @ParameterizedTest
    @MethodSource("recordTypes")
    void theMoneyFieldsOfTheSchemasAreTheCentsFields(String stream, Class<?> type) {
        Set<String> cents = centsFields(type);

        // The stream's money fields may include those of a nested record (an order's lines).
        assertThat(SchemaSupport.moneyFields(stream)).containsAll(cents);
        Set<String> ofTheStream = new TreeSet<>();
        RECORD_TYPES.stream().filter(t -> t.get()[0].equals(stream))
                .forEach(t -> ofTheStream.addAll(centsFields((Class<?>) t.get()[1])));
        assertThat(SchemaSupport.moneyFields(stream)).containsExactlyInAnyOrderElementsOf(ofTheStream);
    }

    /** Every record class written to a stream, by the stream's wire name (an order's lines with the orders). */
    private static final List<Arguments> RECORD_TYPES = List.of(
            Arguments.of("views", View.class), Arguments.of("engagements", Engagement.class),
            Arguments.of("clicks", Click.class), Arguments.of("orders", Order.class),
            Arguments.of("orders", OrderLine.class), Arguments.of("order-updates", OrderUpdate.class),
            Arguments.of("commission-rules", CommissionRule.class), Arguments.of("products", Product.class),
            Arguments.of("creators", Creator.class), Arguments.of("spend", Spend.class),
            Arguments.of("reviews", Review.class),
            Arguments.of("alert-rules", AlertRule.class), Arguments.of("attributions", Attribution.class),
            Arguments.of("attributions-shadow", Attribution.class), Arguments.of("kpis", Kpi.class),
            Arguments.of("alerts", Alert.class), Arguments.of("dead-letters", DeadLetter.class));

    static java.util.stream.Stream<Arguments> recordTypes() {
        return RECORD_TYPES.stream();
    }

    @Test
    void everyStreamHasItsRecordTypes() {
        assertThat(RECORD_TYPES.stream().map(a -> (String) a.get()[0]).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Stream.values()).map(Stream::wireName).toList());
    }

    /** The wire names of a record class's money fields: {@code gmvCents} is written as {@code gmv}. */
    private static Set<String> centsFields(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (Field f : type.getFields()) {
            if (f.isAnnotationPresent(Cents.class)) names.add(f.getName().replaceFirst("Cents$", ""));
        }
        return names;
    }

    /** The text of money as Tally writes it: plain decimal notation, exactly 2 decimals. */
    private static final Pattern WRITTEN_MONEY = Pattern.compile("-?(0|[1-9][0-9]*)\\.[0-9]{2}");

    /**
     * What replaces {@code multipleOf: 0.01} for what Tally writes: every money field of every record class, set to
     * amounts from 0 to the extremes of a long count of cents, is written by {@link Json} in plain notation with
     * exactly 2 decimals, the amount of cents exactly.
     */
    @ParameterizedTest
    @MethodSource("recordTypes")
    void everyMoneyValueJsonWritesHasAtMost2Decimals(String stream, Class<?> type) throws Exception {
        List<Field> money = Arrays.stream(type.getFields()).filter(f -> f.isAnnotationPresent(Cents.class)).toList();
        if (money.isEmpty()) return;
        java.util.Random random = new java.util.Random(14);
        List<Long> amounts = new ArrayList<>(List.of(0L, 1L, -1L, 5L, 10L, 99L, 100L, 101L, 1999L, -1250L,
                1_000_000L, 9_007_199_254_740_993L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1));
        for (int i = 0; i < 1000; i++) amounts.add(i % 2 == 0 ? random.nextLong() : random.nextInt(2_000_000) - 1_000_000L);
        Object record = type.getConstructor().newInstance();
        for (long cents : amounts) {
            for (Field f : money) f.set(record, cents);
            String json = Json.write(record);
            Map<String, String> written = new LinkedHashMap<>();
            for (String value : SchemaSupport.moneyValues(stream, json)) {
                written.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
            }
            for (Field f : money) {
                String name = f.getName().replaceFirst("Cents$", "");
                if (cents == 0 && !written.containsKey(name)) continue; // a zero discount is left out
                assertThat(written.get(name)).as("%s.%s = %d cents: %s", type.getSimpleName(), name, cents, json)
                        .matches(WRITTEN_MONEY);
                assertThat(new BigDecimal(written.get(name))).isEqualTo(BigDecimal.valueOf(cents, 2));
            }
        }
    }

    /** No schema uses a keyword that mainstream validators mishandle with their default options. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Stream.class)
    void noKeywordThatConsumersValidatorsMishandle(Stream stream) throws IOException {
        JsonNode schema = SchemaSupport.parse(Files.readString(SchemaSupport.schemaFile(stream.wireName())));
        List<String> found = new ArrayList<>();
        findMishandled(schema, "", found);

        assertThat(found).isEmpty();
    }

    /**
     * multipleOf with a fraction (binary floating point: 19.99 is not a multiple of 0.01 for python-jsonschema or
     * ajv) and format (ajv in strict mode throws on a format it does not know without ajv-formats; others ignore it).
     */
    private static void findMishandled(JsonNode node, String path, List<String> found) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) findMishandled(node.get(i), path + "/" + i, found);
        }
        if (!node.isObject()) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            boolean inProperties = path.endsWith("/properties");
            if (!inProperties && e.getKey().equals("multipleOf")
                    && e.getValue().decimalValue().stripTrailingZeros().scale() > 0) {
                found.add(path + "/multipleOf: " + e.getValue());
            }
            if (!inProperties && e.getKey().equals("format")) found.add(path + "/format: " + e.getValue());
            findMishandled(e.getValue(), path + "/" + e.getKey(), found);
        }
    }

    @Test
    void theKeywordCheckFindsAFractionalMultipleOf() {
        List<String> found = new ArrayList<>();
        findMishandled(SchemaSupport.parse("""
                {"properties": {"format": {"type": "string"}, "a": {"type": "number", "multipleOf": 0.01},
                 "b": {"type": "integer", "multipleOf": 5}, "c": {"type": "string", "format": "date-time"}}}"""),
                "", found);

        assertThat(found).containsExactly("/properties/a/multipleOf: 0.01", "/properties/c/format: \"date-time\"");
    }

    @Test
    void assertValidLinesNamesTheFailingLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("spend.jsonl");
        Files.writeString(file, SPEND.replace('\n', ' ') + "\n\n" + edit(SPEND, "250.00", "-1").replace('\n', ' ') + "\n");

        assertThatThrownBy(() -> SchemaSupport.assertValidLines("spend", file))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("line 3")
                .hasMessageNotContaining("line 1");
    }
}
