package io.tally.kpi;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.attribution.Model;
import io.tally.config.TallyConfig;
import io.tally.event.Metric;
import io.tally.generate.FileOutput;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import io.tally.pipeline.Replay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay's final KPI records against an independent reference of CONTRACT sections 4 and 8 ({@link KpiReference}),
 * computed from the raw events of a seeded data set ({@link KpiDataSet}) and the attribution records the same replay
 * wrote (attribution has its own tests). Every (dimension, key, window) with a contribution has exactly one final
 * record with every metric equal, and the files are identical at parallelism 1 and 4.
 *
 * <p>The primary model is LINEAR, so lines are split over several credit records (distinct counts, gmv once per line,
 * fractional units) and reversals have several records per update. Reviews span 40 days after the orders, so their
 * crediting meets both ends of the settlement window.
 */
class KpiReferenceReplayTest {
    private static final long SEED = 4_2024_0611L;
    private static final long[] SIZES = {KpiFixtures.MINUTE, KpiFixtures.HOUR, KpiFixtures.DAY};
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final double TOLERANCE = 1e-9;

    @TempDir
    Path dir;

    @Test
    void finalKpiRecordsEqualTheReferenceAtParallelismOneAndFour() throws Exception {
        KpiDataSet data = KpiDataSet.generate(SEED);
        Path in = dir.resolve("in");
        data.writeTo(in);
        TallyConfig config = new TallyConfig();
        config.attribution.primaryModel = Model.LINEAR;
        config.attribution.shadowModels.clear();
        assertThat(config.kpis.windows).containsExactly(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(1));

        Path one = dir.resolve("out-1");
        Replay.run(in, one, config, 1);
        assertThat(read(one, "dead-letters")).noneSatisfy(d -> assertThat(d.get("reason").asText()).isEqualTo("LATE"));
        List<JsonNode> attributions = read(one, "attributions");
        KpiReference reference = KpiReference.of(data, attributions, SIZES);
        Map<String, KpiReference.Window> expected = reference.windows;
        assertCovers(data, attributions, expected);
        assertCoversReviews(data, reference);

        assertEqualsReference(expected, read(one, "kpis"));

        Path four = dir.resolve("out-4");
        Replay.run(in, four, config, 4);
        assertThat(difference(lines(four, "attributions"), lines(one, "attributions")))
                .as("attributions at parallelism 4 but not 1, and 1 but not 4").isEmpty();
        assertThat(difference(lines(four, "kpis"), lines(one, "kpis")))
                .as("KPI records at parallelism 4 but not 1, and 1 but not 4").isEmpty();
    }

    /** Exactly one final record per expected window, none other, every metric equal. */
    private static void assertEqualsReference(Map<String, KpiReference.Window> expected, List<JsonNode> kpis) {
        Map<String, JsonNode> actual = new TreeMap<>();
        for (JsonNode k : kpis) {
            String id = k.get("dimension").asText() + "|" + k.get("key").asText() + "|"
                    + k.get("windowStart").asLong() + "|" + k.get("windowEnd").asLong();
            assertThat(actual.put(id, k)).as("one final record of %s", id).isNull();
        }
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(actual.keySet());
        Set<String> extra = new TreeSet<>(actual.keySet());
        extra.removeAll(expected.keySet());
        assertThat(missing).as("windows without a final record").isEmpty();
        assertThat(extra).as("final records of windows nothing contributed to").isEmpty();

        List<String> problems = new ArrayList<>();
        for (KpiReference.Window w : expected.values()) compare(w, actual.get(w.id()), problems);
        assertThat(problems).as("%d metrics differ from the reference, first ones", problems.size())
                .isEmpty();
    }

    /**
     * The same reference on the data of Tally's own generator (what {@code tally local} and the benchmark send): its
     * funnel, stories, duplicates and reviews, three simulated days with a settlement window of one day, so that reviews
     * come within it and after it; hourly and daily windows.
     */
    @Test
    void finalKpiRecordsOfTheGeneratorsDataEqualTheReference() throws Exception {
        GeneratorSettings settings = new GeneratorSettings();
        settings.merchants = 4;
        settings.productsPerMerchant = 8;
        settings.creators = 40;
        settings.users = 2_000;
        settings.eventsPerSimulatedSecond = 1;
        Path in = dir.resolve("generated");
        FileOutput.write(new Generator(settings), in, Duration.ofDays(3));
        TallyConfig config = new TallyConfig();
        config.attribution.settlementWindow = Duration.ofDays(1);
        config.kpis.windows = List.of(Duration.ofHours(1), Duration.ofDays(1)); // minutes: the test above
        Path out = dir.resolve("generated-out");
        Replay.run(in, out, config, 2);
        KpiDataSet data = KpiDataSet.read(in);
        List<JsonNode> deadLetters = read(out, "dead-letters");
        assertThat(deadLetters).noneSatisfy(d -> assertThat(d.get("reason").asText()).isIn("LATE", "FUTURE"));
        assertThat(deadLetters.stream().filter(d -> d.get("reason").asText().equals("DUPLICATE")).count())
                .as("the duplicates the data set left out").isEqualTo(data.duplicates);
        KpiReference reference = KpiReference.of(data, read(out, "attributions"),
                new long[] {KpiFixtures.HOUR, KpiFixtures.DAY},
                config.attribution.settlementWindow.toMillis());
        assertThat(reference.creditedReviews).isGreaterThan(20);
        assertThat(reference.uncreditedReviews).isGreaterThan(20);
        assertThat(data.reviews).anySatisfy(r -> assertThat(r.orderId).isNull());
        assertThat(reference.windows.keySet()).anySatisfy(id -> assertThat(id).startsWith("MATCH|"));
        assertEqualsReference(reference.windows, read(out, "kpis"));
    }

    /** The first lines that only one of two files has, each marked with the file it is in. */
    private static List<String> difference(List<String> four, List<String> one) {
        List<String> diff = new ArrayList<>();
        Set<String> inOne = new LinkedHashSet<>(one);
        Set<String> inFour = new LinkedHashSet<>(four);
        for (String l : four) if (!inOne.contains(l)) diff.add("4: " + l);
        for (String l : one) if (!inFour.contains(l)) diff.add("1: " + l);
        if (diff.isEmpty() && four.size() != one.size()) diff.add("4: " + four.size() + " lines, 1: " + one.size());
        return diff.size() > 6 ? diff.subList(0, 6) : diff;
    }

    /** The data set exercises what the reference is about; a change of seed or generator cannot hollow it out. */
    private static void assertCovers(KpiDataSet data, List<JsonNode> attributions,
                                     Map<String, KpiReference.Window> expected) {
        assertThat(data.boundaryEvents).isGreaterThan(100);
        assertThat(data.duplicates).isPositive();
        assertThat(attributions).anySatisfy(a -> assertThat(a.get("touch").asText()).isEqualTo("CLICK"));
        assertThat(attributions).anySatisfy(a -> assertThat(a.get("touch").asText()).isEqualTo("VIEW"));
        assertThat(attributions).anySatisfy(a -> assertThat(a.get("touch").asText()).isEqualTo("NONE"));
        assertThat(attributions).anySatisfy(a -> assertThat(a.get("weight").asDouble()).isLessThan(0.5));
        assertThat(attributions).anySatisfy(a -> assertThat(a.get("margin").isNull()).isTrue());
        assertThat(attributions).anySatisfy(a -> assertThat(a.get("newCustomer").asBoolean()).isFalse());
        assertThat(attributions).anySatisfy(a -> assertThat(a.get("ts").asLong() % KpiFixtures.MINUTE).isZero());
        long reversals = attributions.stream().filter(a -> a.get("reversal").asBoolean()).count();
        long updates = attributions.stream().filter(a -> a.get("reversal").asBoolean())
                .map(a -> a.get("updateEventId").asText()).distinct().count();
        assertThat(updates).isGreaterThan(20);
        assertThat(reversals).as("updates reversing several credit records").isGreaterThan(updates);
        assertThat(expected).containsKey("TIER|UNKNOWN|" + KpiDataSet.DAY_BOUNDARY + "|"
                + (KpiDataSet.DAY_BOUNDARY + KpiFixtures.DAY));
        assertThat(expected.values()).anySatisfy(w -> {
            assertThat(w.dimension).isEqualTo("PRODUCT");
            assertThat(w.stock).isNull();
        });
        assertThat(expected.values()).anySatisfy(w -> assertThat(w.gmvShare).isNotNull().isBetween(0.0, 0.99));
        assertThat(expected.values()).anySatisfy(w -> assertThat(w.margin.signum()).isNegative());
        assertThat(expected.values()).anySatisfy(w -> assertThat(w.netGmv().signum()).isNegative());
        assertThat(expected).hasSizeGreaterThan(1_000);
    }

    /** Section 8: reviews credited and not, at the settlement window's bounds, and the new dimensions' keys. */
    private static void assertCoversReviews(KpiDataSet data, KpiReference reference) {
        Map<String, KpiReference.Window> expected = reference.windows;
        assertThat(data.reviewsAtSettlementEnd).isPositive();
        assertThat(data.reviewsAfterSettlement).isPositive();
        assertThat(data.reviews).anySatisfy(r -> assertThat(r.orderId).isNull());
        assertThat(data.reviews).anySatisfy(r -> assertThat(r.orderId).isEqualTo("o-unknown"));
        assertThat(reference.creditedReviews).isGreaterThan(50);
        assertThat(reference.uncreditedReviews).isGreaterThan(100);
        assertThat(expected.values()).anySatisfy(w -> {
            assertThat(w.dimension).isEqualTo("CREATOR");
            assertThat(w.reviews).isPositive();
            assertThat(w.negativeReviews).isPositive();
        });
        assertThat(expected.values()).anySatisfy(w -> {
            assertThat(w.dimension).isEqualTo("MATCH");
            assertThat(w.reviews).isPositive();
            assertThat(w.start).as("a review long after the orders").isGreaterThan(KpiDataSet.END + KpiFixtures.DAY);
        });
        for (String d : List.of("CATEGORY", "NICHE", "MATCH")) {
            assertThat(expected.values()).as(d).anySatisfy(w -> {
                assertThat(w.dimension).isEqualTo(d);
                assertThat(w.key).contains("UNKNOWN");
            });
            assertThat(expected.values()).as(d).anySatisfy(w -> {
                assertThat(w.dimension).isEqualTo(d);
                assertThat(w.key).doesNotContain("UNKNOWN");
                assertThat(w.attributedGmv.signum()).isPositive();
            });
        }
        assertThat(expected.values()).anySatisfy(w -> {
            assertThat(w.dimension).isEqualTo("NICHE");
            assertThat(w.gmvShare).isNotNull().isBetween(0.0, 0.99);
        });
        assertThat(expected.values()).anySatisfy(w -> {
            assertThat(w.dimension).isEqualTo("MATCH");
            assertThat(w.gmvShare).isNotNull().isBetween(0.0, 0.99);
        });
    }

    private static void compare(KpiReference.Window w, JsonNode a, List<String> problems) {
        Set<String> fields = new LinkedHashSet<>(List.of("dimension", "key", "windowStart", "windowEnd", "final"));
        for (Metric m : Metric.values()) fields.add(m.wireName());
        Set<String> written = new LinkedHashSet<>();
        for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) written.add(it.next());
        Checks c = new Checks(w.id(), a, problems);
        c.same("fields", fields, written);
        c.same("final", true, a.get("final").asBoolean());
        c.count("views", w.views);
        c.count("likes", w.likes);
        c.count("comments", w.comments);
        c.count("shares", w.shares);
        c.count("clicks", w.clicks);
        c.ratio("units", w.units.doubleValue());
        c.money("gmv", w.gmv);
        c.count("orders", w.orders.size());
        c.count("newCustomerOrders", w.newCustomerOrders.size());
        c.count("attributedOrders", w.attributedOrders.size());
        c.money("attributedGmv", w.attributedGmv);
        c.money("commission", w.commission);
        c.money("margin", w.margin);
        c.count("refunds", w.refunds.size());
        c.money("refundedAmount", w.refundedAmount);
        c.money("spend", w.spend);
        c.count("reviews", w.reviews);
        c.count("ratingSum", w.ratingSum);
        c.count("negativeReviews", w.negativeReviews);
        c.ratio("engagementRate", w.engagementRate());
        c.ratio("ctr", w.ctr());
        c.money("aov", w.aov());
        c.ratio("conversionRate", w.conversionRate());
        c.money("cpa", w.cpa());
        c.ratio("newCustomerRate", w.newCustomerRate());
        c.money("netGmv", w.netGmv());
        c.money("marginPerOrder", w.marginPerOrder());
        c.ratio("gmvShare", w.gmvShare);
        c.ratio("avgRating", w.avgRating());
        c.ratio("negativeReviewRate", w.negativeReviewRate());
        c.same("stock", w.stock, a.get("stock").isNull() ? null : a.get("stock").asLong());
        c.checked.add("stock");
        if (!c.checked.equals(java.util.Arrays.stream(Metric.values()).map(Metric::wireName).collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)))) throw new AssertionError("unchecked metrics: " + c.checked);
    }

    /** Collects differences between an expected window and its written record. */
    private static final class Checks {
        final String id;
        final JsonNode record;
        final List<String> problems;
        final Set<String> checked = new LinkedHashSet<>();

        Checks(String id, JsonNode record, List<String> problems) {
            this.id = id;
            this.record = record;
            this.problems = problems;
        }

        void count(String metric, long expected) {
            checked.add(metric);
            JsonNode v = record.get(metric);
            if (v == null || !v.isIntegralNumber() || v.asLong() != expected) problem(metric, expected, v);
        }

        void money(String metric, BigDecimal expected) {
            checked.add(metric);
            JsonNode v = record.get(metric);
            boolean ok = expected == null ? v != null && v.isNull()
                    : v != null && v.isNumber() && v.decimalValue().scale() <= 2
                    && v.decimalValue().compareTo(expected) == 0;
            if (!ok) problem(metric, expected, v);
        }

        void ratio(String metric, Double expected) {
            checked.add(metric);
            JsonNode v = record.get(metric);
            boolean ok = expected == null ? v != null && v.isNull()
                    : v != null && v.isNumber() && Math.abs(v.doubleValue() - expected) <= TOLERANCE;
            if (!ok) problem(metric, expected, v);
        }

        void same(String what, Object expected, Object actual) {
            if (!java.util.Objects.equals(expected, actual)) problem(what, expected, actual);
        }

        private void problem(String metric, Object expected, Object actual) {
            problems.add(id + " " + metric + ": expected " + expected + " but was " + actual);
        }
    }

    private static List<JsonNode> read(Path out, String stream) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        for (String line : lines(out, stream)) records.add(JSON.readTree(line));
        return records;
    }

    private static List<String> lines(Path out, String stream) throws IOException {
        return Files.readAllLines(out.resolve(stream + ".jsonl"), StandardCharsets.UTF_8);
    }
}
