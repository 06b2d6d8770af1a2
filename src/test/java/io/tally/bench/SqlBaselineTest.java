package io.tally.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.config.TallyConfig;
import io.tally.event.Click;
import io.tally.event.Engagement;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.Stream;
import io.tally.event.View;
import io.tally.generate.GeneratedRecord;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import io.tally.pipeline.Environments;
import io.tally.testing.KafkaBroker;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL baseline, bounded, on a real broker and a MiniCluster (RocksDB, checkpoints, {@code pipeline.generic-types}
 * false as the benchmark runs it), over generated data with duplicates and invalid lines: the job finishes on its own,
 * and what it committed equals what is computed here directly from the generated records.
 */
class SqlBaselineTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Stream[] INPUTS = {Stream.VIEWS, Stream.ENGAGEMENTS, Stream.CLICKS, Stream.ORDERS};
    private static final long CLICK_WINDOW_MS = Duration.ofDays(7).toMillis();

    @TempDir
    Path dir;

    @Test
    void boundedJobFinishesAndMatchesAnIndependentComputation() throws Exception {
        TallyConfig config = new TallyConfig();
        config.kafka.bootstrapServers = KAFKA.bootstrapServers();
        config.kafka.groupId = "sql-test";
        config.kafka.transactionalIdPrefix = "sql-test-" + System.nanoTime();
        config.kafka.transactionTimeout = Duration.ofMinutes(1);
        config.job.parallelism = 2;
        config.checkpoints.interval = Duration.ofSeconds(1);
        config.checkpoints.minPause = Duration.ofMillis(200);
        config.checkpoints.dir = dir.resolve("checkpoints").toUri().toString();
        for (Stream s : INPUTS) config.topics.put(s.wireName(), "sql.in." + s.wireName());
        for (Stream s : INPUTS) KAFKA.createTopics(2, config.topic(s));
        KAFKA.createTopics(2, "sql.attributions", "sql.kpis");

        // Sparse event time, so that orders (30 s to days after their click) fall within the data set.
        GeneratorSettings data = new GeneratorSettings();
        data.eventsPerSimulatedSecond = 1;
        data.backfillMs = Duration.ofDays(1).toMillis();
        data.backfillEventsPerSimulatedSecond = 0.1;
        data.users = 100;
        data.invalid = 0.01;
        data.duplicates = 0.01;
        Generator generator = new Generator(data);
        List<GeneratedRecord> records = new ArrayList<>();
        List<ProducerRecord<String, String>> sent = new ArrayList<>();
        while (sent.size() < 12_000) {
            GeneratedRecord r = generator.next();
            if (!List.of(INPUTS).contains(r.stream())) continue;
            records.add(r);
            sent.add(new ProducerRecord<>(config.topic(r.stream()), null, r.ts(), r.key(), r.json()));
        }
        KAFKA.produce(sent);

        StreamExecutionEnvironment env = Environments.create(config, Environments.Mode.LOCAL);
        assertThat(env.getConfiguration().get(PipelineOptions.GENERIC_TYPES)).isFalse();
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        SqlBaseline sql = new SqlBaseline(SqlBaseline.Settings.of(config, "sql.attributions", "sql.kpis", true));
        TableResult result = sql.statements(tEnv).execute();
        JobClient job = result.getJobClient().orElseThrow();
        // Bounded: the job ends on its own once it has read what the topics held.
        JobExecutionResult done = job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
        assertThat(done.getJobID()).isEqualTo(job.getJobID());

        Expected expected = new Expected(records);
        assertThat(expected.attributions).as("the data set has attributable lines").hasSizeGreaterThan(20);
        assertThat(expected.multiCandidate).as("lines with several candidate clicks").isGreaterThan(20);
        assertThat(expected.invalid).as("the data set has invalid lines").isPositive();
        assertThat(expected.duplicates).as("the data set has re-sent records").isPositive();

        Map<String, JsonNode> attributions = latest(KAFKA.readAll("sql.attributions"));
        Map<String, String> actualWinners = new TreeMap<>();
        for (JsonNode a : attributions.values()) {
            actualWinners.put(a.get("orderId").asText() + "/" + a.get("lineId").asText(), a.get("touchEventId").asText());
            Expected.Line line = expected.lines.get(a.get("orderId").asText() + "/" + a.get("lineId").asText());
            assertThat(line).as("an attributed line of a valid order: %s", a).isNotNull();
            assertThat(a.get("lineAmount").decimalValue()).isEqualByComparingTo(line.amount);
        }
        assertThat(actualWinners).isEqualTo(expected.attributions);

        Map<String, JsonNode> kpis = latest(KAFKA.readAll("sql.kpis"));
        Map<String, List<Long>> actualKpis = new TreeMap<>();
        Map<String, BigDecimal> actualGmv = new TreeMap<>();
        for (JsonNode k : kpis.values()) {
            String key = k.get("creatorId").asText() + "|" + k.get("windowStart").asLong() + "|"
                    + k.get("windowEnd").asLong();
            actualKpis.put(key, List.of(k.get("views").asLong(), k.get("likes").asLong(), k.get("comments").asLong(),
                    k.get("shares").asLong(), k.get("engagements").asLong(), k.get("clicks").asLong(),
                    k.get("attributedOrders").asLong()));
            actualGmv.put(key, k.get("attributedGmv").decimalValue().setScale(2));
        }
        assertThat(actualKpis).hasSameSizeAs(expected.kpis);
        assertThat(actualKpis).isEqualTo(expected.kpis);
        assertThat(actualGmv).isEqualTo(expected.gmv);
        Set<Long> sizes = new HashSet<>();
        for (JsonNode k : kpis.values()) sizes.add(k.get("windowEnd").asLong() - k.get("windowStart").asLong());
        assertThat(sizes).containsExactlyInAnyOrder(60_000L, 3_600_000L, 86_400_000L);
    }

    @Test
    void sqlTextNamesTheQueries() {
        String text = new SqlBaseline(new SqlBaseline.Settings()).sqlText();
        assertThat(text).contains("ROW_NUMBER() OVER (PARTITION BY l.orderId, l.lineId ORDER BY c.ts DESC")
                .contains("CROSS JOIN UNNEST(o.lines)")
                .contains("c.event_time BETWEEN l.order_time - INTERVAL '7 00:00:00.000' DAY TO SECOND(3)")
                .contains("'sink.delivery-guarantee' = 'exactly-once'")
                .contains("INSERT INTO sql_kpis_1m").contains("INSERT INTO sql_kpis_1h").contains("INSERT INTO sql_kpis_1d");
    }

    /** The last value of each key as a compacted topic keeps it; a tombstone removes the key. */
    private static Map<String, JsonNode> latest(List<ConsumerRecord<String, String>> records) throws Exception {
        Map<String, JsonNode> m = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            if (r.value() == null) m.remove(r.key());
            else m.put(r.key(), JSON.readTree(r.value()));
        }
        return m;
    }

    /** Attributions and per-creator KPIs computed directly from the generated (valid, deduplicated) records. */
    static final class Expected {
        record Line(String userId, String productId, long ts, BigDecimal amount) {}

        final Map<String, Line> lines = new HashMap<>();
        /** orderId/lineId to the winning click's eventId. */
        final Map<String, String> attributions = new TreeMap<>();
        /** creator|windowStart|windowEnd to views, likes, comments, shares, engagements, clicks, attributed orders. */
        final Map<String, List<Long>> kpis = new TreeMap<>();
        final Map<String, BigDecimal> gmv = new TreeMap<>();
        int invalid;
        int duplicates;
        /** Attributed lines that had more than one candidate click (where the latest must win). */
        int multiCandidate;

        Expected(List<GeneratedRecord> records) {
            Set<String> seen = new HashSet<>();
            List<Click> clicks = new ArrayList<>();
            Map<String, long[]> counts = new HashMap<>();
            Map<String, Set<String>> orders = new HashMap<>();
            List<Long> sizes = List.of(60_000L, 3_600_000L, 86_400_000L);
            List<Order> validOrders = new ArrayList<>();
            for (GeneratedRecord r : records) {
                Object o = r.record();
                if (r.isRaw()) {
                    invalid++;
                    // The SQL drops invalid lines one by one, not the whole order: keep the valid lines of an order
                    // whose header is complete.
                    if (r.stream() != Stream.ORDERS || (o = validLines(r.json())) == null) continue;
                }
                String id = r.stream().wireName() + "/" + (o instanceof Order ? ((Order) o).orderId : eventId(o));
                if (!seen.add(id)) {
                    duplicates++;
                    continue;
                }
                if (o instanceof View v) {
                    for (long w : sizes) counts.computeIfAbsent(key(v.creatorId, v.ts, w), k -> new long[7])[0]++;
                } else if (o instanceof Engagement e) {
                    int kind = switch (e.kind) {
                        case LIKE -> 1;
                        case COMMENT -> 2;
                        case SHARE -> 3;
                    };
                    for (long w : sizes) {
                        long[] c = counts.computeIfAbsent(key(e.creatorId, e.ts, w), k -> new long[7]);
                        c[kind]++;
                        c[4]++;
                    }
                } else if (o instanceof Click c) {
                    clicks.add(c);
                    for (long w : sizes) counts.computeIfAbsent(key(c.creatorId, c.ts, w), k -> new long[7])[5]++;
                } else if (o instanceof Order order) {
                    validOrders.add(order);
                }
            }
            for (Order order : validOrders) {
                for (OrderLine l : order.lines) {
                    String lineKey = order.orderId + "/" + l.lineId;
                    BigDecimal amount = BigDecimal.valueOf(l.lineAmountCents(), 2);
                    lines.put(lineKey, new Line(order.userId, l.productId, order.ts, amount));
                    Click best = null;
                    for (Click c : clicks) {
                        if (!c.userId.equals(order.userId) || !c.productId.equals(l.productId)) continue;
                        if (c.ts < order.ts - CLICK_WINDOW_MS || c.ts > order.ts) continue;
                        if (best == null || c.ts > best.ts || (c.ts == best.ts && c.eventId.compareTo(best.eventId) > 0)) {
                            best = c;
                        }
                    }
                    if (best == null) continue;
                    long n = clicks.stream().filter(c -> c.userId.equals(order.userId) && c.productId.equals(l.productId)
                            && c.ts >= order.ts - CLICK_WINDOW_MS && c.ts <= order.ts).count();
                    if (n > 1) multiCandidate++;
                    attributions.put(lineKey, best.eventId);
                    for (long w : sizes) {
                        String k = key(best.creatorId, order.ts, w);
                        counts.computeIfAbsent(k, x -> new long[7]);
                        orders.computeIfAbsent(k, x -> new HashSet<>()).add(order.orderId);
                        gmv.merge(k, amount, BigDecimal::add);
                    }
                }
            }
            counts.forEach((k, c) -> {
                c[6] = orders.getOrDefault(k, Set.of()).size();
                List<Long> l = new ArrayList<>();
                for (long x : c) l.add(x);
                kpis.put(k, l);
                gmv.putIfAbsent(k, BigDecimal.ZERO.setScale(2));
            });
        }

        /** The order of a raw line with its valid lines only; null if the line is no JSON or lacks a field. */
        private static Order validLines(String json) {
            JsonNode n;
            try {
                n = JSON.readTree(json);
            } catch (Exception e) {
                return null;
            }
            for (String f : List.of("orderId", "ts", "userId", "merchantId", "lines")) if (!n.hasNonNull(f)) return null;
            if (!n.get("ts").isIntegralNumber()) return null;
            List<OrderLine> lines = new ArrayList<>();
            for (JsonNode l : n.get("lines")) {
                long cents = l.get("unitPrice").decimalValue().movePointRight(2).longValueExact();
                long discount = l.has("discount") ? l.get("discount").decimalValue().movePointRight(2).longValueExact() : 0;
                long quantity = l.get("quantity").asLong();
                if (quantity >= 1 && cents >= 0 && discount >= 0 && discount <= quantity * cents) {
                    lines.add(new OrderLine(l.get("lineId").asText(), l.get("productId").asText(), quantity, cents, discount));
                }
            }
            return new Order(n.get("orderId").asText(), n.get("ts").asLong(), n.get("userId").asText(),
                    n.get("merchantId").asText(), lines.toArray(new OrderLine[0]));
        }

        private static String eventId(Object o) {
            if (o instanceof View v) return v.eventId;
            if (o instanceof Engagement e) return e.eventId;
            if (o instanceof Click c) return c.eventId;
            throw new IllegalArgumentException(String.valueOf(o));
        }

        private static String key(String creatorId, long ts, long window) {
            long start = ts - Math.floorMod(ts, window);
            return creatorId + "|" + start + "|" + (start + window);
        }
    }
}
