package io.tally.bench;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.TableConfig;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's baseline: last-click attribution and per-creator KPIs written in Flink SQL, as a user would write
 * them instead of Tally, reading the same input topics on the same Flink.
 *
 * <p>Sources: one Kafka table per input stream, JSON ({@code json.ignore-parse-errors}, so malformed lines are
 * skipped rather than failing the job), read_committed, event time from {@code ts} with a bounded-disorder
 * watermark. Views over them keep the valid records only (required fields present, values in their domain; an
 * invalid order line is dropped on its own, where Tally drops the whole order: SQL cannot say that without a UDF).
 *
 * <p>Attribution: order lines ({@code CROSS JOIN UNNEST}) are interval-joined with the user's clicks on the same
 * product with {@code click.ts} in {@code [order.ts - clickWindow, order.ts]}, and
 * {@code ROW_NUMBER() OVER (PARTITION BY orderId, lineId ORDER BY clickTs DESC, clickId DESC) = 1} keeps the latest
 * click per line. That Top-1 is an updating stream (a click that arrives late but is later than the current winner
 * replaces it), written to an upsert-kafka topic keyed by (orderId, lineId). The append-only alternative, a window
 * Top-N over the join's output, is not what one would run: an interval join holds its output watermark back by the
 * whole interval (7 days), so every event-time window after it would fire a week late.
 *
 * <p>KPIs: views, likes, comments, shares, clicks, attributed orders and attributed GMV per creator, per tumbling
 * window of each size. Because the attribution is updating, window TVFs cannot consume it; instead every
 * contribution (views, engagements, clicks, attributed lines) goes into one {@code UNION ALL} and a group-by on
 * (creator, window start) per size aggregates it, an updating result written to upsert-kafka keyed by
 * (creatorId, windowStart, windowEnd). Counts are {@code COUNT(DISTINCT eventId)}, so a re-sent event (same id and
 * ts) counts once, as Tally's deduplication has it. Mini-batch and two-phase aggregation keep state access per
 * batch rather than per record; the aggregates' state lives for the window plus an hour of lateness
 * ({@code STATE_TTL} hint), everything else (the Top-1) for the click window ({@code table.exec.state.ttl}).
 *
 * <p>Less than Tally: no view-through or organic lines, no commission, tiers or other dimensions, no dead letters.
 */
public final class SqlBaseline {
    private final Settings s;

    /** Everything the SQL job is parameterised by. */
    public static final class Settings {
        public String bootstrapServers = "localhost:9092";
        /** Extra Kafka client properties (security, SASL, ...), passed as {@code properties.*} table options. */
        public Map<String, String> kafkaProperties = new LinkedHashMap<>();
        public String groupId = "tally-sql";
        public String transactionalIdPrefix = "tally-sql";
        public Duration transactionTimeout = Duration.ofMinutes(5);
        /** compression.type of the sinks' producers, as Tally's own (kafka.compression). */
        public String compression = "lz4";
        public String viewsTopic = Stream.VIEWS.defaultTopic();
        public String engagementsTopic = Stream.ENGAGEMENTS.defaultTopic();
        public String clicksTopic = Stream.CLICKS.defaultTopic();
        public String ordersTopic = Stream.ORDERS.defaultTopic();
        public String attributionsTopic = "tally.sql.attributions";
        public String kpisTopic = "tally.sql.kpis";
        /** Stop at the offsets the topics had when the job started ('scan.bounded.mode' = 'latest-offset'). */
        public boolean bounded = false;
        public Duration clickWindow = Duration.ofDays(7);
        public List<Duration> windows = new ArrayList<>(List.of(Duration.ofMinutes(1), Duration.ofHours(1),
                Duration.ofDays(1)));
        public Duration watermarkBound = Duration.ofSeconds(5);
        public Duration sourceIdleness = Duration.ofSeconds(30);

        /** The settings of a Tally configuration: its Kafka cluster, input topics, windows and horizons. */
        public static Settings of(TallyConfig config, String attributionsTopic, String kpisTopic, boolean bounded) {
            Settings s = new Settings();
            s.bootstrapServers = config.kafka.bootstrapServers;
            s.kafkaProperties = new LinkedHashMap<>(config.kafka.properties);
            s.groupId = config.kafka.groupId;
            s.transactionalIdPrefix = config.kafka.transactionalIdPrefix;
            s.transactionTimeout = config.kafka.transactionTimeout;
            s.compression = config.kafka.compression.kafkaName();
            s.viewsTopic = config.topic(Stream.VIEWS);
            s.engagementsTopic = config.topic(Stream.ENGAGEMENTS);
            s.clicksTopic = config.topic(Stream.CLICKS);
            s.ordersTopic = config.topic(Stream.ORDERS);
            s.attributionsTopic = attributionsTopic;
            s.kpisTopic = kpisTopic;
            s.bounded = bounded;
            s.clickWindow = config.attribution.clickWindow;
            s.windows = new ArrayList<>(config.kpis.windows);
            s.watermarkBound = config.time.watermarkBound;
            s.sourceIdleness = config.time.sourceIdleness;
            return s;
        }
    }

    public SqlBaseline(Settings settings) {
        if (settings.windows.isEmpty()) throw new IllegalArgumentException("SQL baseline: no KPI window sizes");
        for (Duration w : settings.windows) {
            if (w.toMillis() <= 0) throw new IllegalArgumentException("SQL baseline: window size " + w + " <= 0");
        }
        this.s = settings;
    }

    /**
     * Sets the table options the statements are written for (time zone, state TTL, mini-batch), runs the DDL
     * against {@code tEnv}, and returns the two pipelines as a statement set: {@code execute()} it (its
     * {@code TableResult.getJobClient()} gives the job), or {@code attachAsDataStream()} to add them to the
     * environment's stream graph.
     */
    public StreamStatementSet statements(StreamTableEnvironment tEnv) {
        configure(tEnv.getConfig());
        String view = "CREATE TEMPORARY VIEW ";
        for (String ddl : ddl()) {
            if (ddl.startsWith(view)) {
                // A view registered from a Table is one plan node shared by all its readers, so the four INSERTs
                // share one interval join and Top-1. A CREATE VIEW is expanded anew in each INSERT, and the planner
                // then plans the join and Top-1 four times (their pushed-down projections differ).
                int as = ddl.indexOf(" AS\n");
                tEnv.createTemporaryView(ddl.substring(view.length(), as), tEnv.sqlQuery(ddl.substring(as + 4)));
            } else {
                tEnv.executeSql(ddl);
            }
        }
        StreamStatementSet set = tEnv.createStatementSet();
        for (String insert : inserts()) set.addInsertSql(insert);
        return set;
    }

    /** The table options: UTC (windows aligned to the epoch), state TTL, mini-batch and two-phase aggregation. */
    public Map<String, String> tableOptions() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("table.local-time-zone", "UTC");
        // The Top-1 per order line; the window aggregates have their own (STATE_TTL hints).
        o.put("table.exec.state.ttl", millis(s.clickWindow));
        o.put("table.exec.source.idle-timeout", millis(s.sourceIdleness));
        o.put("table.exec.mini-batch.enabled", "true");
        o.put("table.exec.mini-batch.allow-latency", "1 s");
        o.put("table.exec.mini-batch.size", "5000");
        o.put("table.optimizer.agg-phase-strategy", "TWO_PHASE");
        // Shared views are optimised as blocks of their own; without this the planner fails on the UNNEST inside one
        // ("This must be a bug, could not find table scan").
        o.put("table.optimizer.reuse-optimize-block-with-digest-enabled", "true");
        return o;
    }

    void configure(TableConfig config) {
        Configuration c = new Configuration();
        tableOptions().forEach(c::setString);
        config.addConfiguration(c);
    }

    /** The whole job as SQL text: table options, DDL and the INSERT statements (for the README and the report). */
    public String sqlText() {
        StringBuilder b = new StringBuilder();
        tableOptions().forEach((k, v) -> b.append("SET '").append(k).append("' = '").append(v).append("';\n"));
        for (String stmt : ddl()) b.append('\n').append(stmt).append(";\n");
        b.append("\nEXECUTE STATEMENT SET BEGIN\n");
        for (String stmt : inserts()) b.append(stmt).append(";\n");
        return b.append("END;\n").toString();
    }

    /** CREATE TABLE and CREATE VIEW statements, in order. */
    public List<String> ddl() {
        List<String> d = new ArrayList<>();
        d.add("CREATE TEMPORARY TABLE view_events (\n"
                + "  eventId STRING, ts BIGINT, userId STRING, creatorId STRING, contentId STRING, contentType STRING,\n"
                + rowtime() + ") WITH (\n" + source(s.viewsTopic) + ")");
        d.add("CREATE TEMPORARY TABLE engagement_events (\n"
                + "  eventId STRING, ts BIGINT, userId STRING, creatorId STRING, contentId STRING, contentType STRING,\n"
                + "  kind STRING,\n"
                + rowtime() + ") WITH (\n" + source(s.engagementsTopic) + ")");
        d.add("CREATE TEMPORARY TABLE click_events (\n"
                + "  eventId STRING, ts BIGINT, userId STRING, creatorId STRING, contentId STRING, contentType STRING,\n"
                + "  productId STRING, merchantId STRING,\n"
                + rowtime() + ") WITH (\n" + source(s.clicksTopic) + ")");
        d.add("CREATE TEMPORARY TABLE order_events (\n"
                + "  orderId STRING, ts BIGINT, userId STRING, merchantId STRING,\n"
                + "  lines ARRAY<ROW<lineId STRING, productId STRING, quantity BIGINT, unitPrice DECIMAL(18, 2),"
                + " discount DECIMAL(18, 2)>>,\n"
                + rowtime() + ") WITH (\n" + source(s.ordersTopic) + ")");

        d.add("CREATE TEMPORARY VIEW valid_views AS\n"
                + "SELECT * FROM view_events\n"
                + "WHERE " + required("eventId", "ts", "userId", "creatorId", "contentId")
                + " AND contentType IN ('VIDEO', 'LIVE')");
        d.add("CREATE TEMPORARY VIEW valid_engagements AS\n"
                + "SELECT * FROM engagement_events\n"
                + "WHERE " + required("eventId", "ts", "userId", "creatorId", "contentId")
                + " AND contentType IN ('VIDEO', 'LIVE')\n"
                + "  AND kind IN ('LIKE', 'COMMENT', 'SHARE')");
        d.add("CREATE TEMPORARY VIEW valid_clicks AS\n"
                + "SELECT * FROM click_events\n"
                + "WHERE " + required("eventId", "ts", "userId", "creatorId", "contentId", "productId", "merchantId")
                + " AND contentType IN ('VIDEO', 'LIVE')");
        // Invalid lines are dropped one by one. Tally rejects the whole order (CONTRACT section 1), which SQL cannot
        // say without a UDF: a correlated NOT EXISTS over UNNEST has no streaming plan.
        d.add("CREATE TEMPORARY VIEW order_lines AS\n"
                + "SELECT o.orderId, l.lineId, o.ts, o.event_time AS order_time, o.userId, o.merchantId, l.productId,\n"
                + "  l.quantity, CAST(l.quantity * l.unitPrice - COALESCE(l.discount, 0) AS DECIMAL(18, 2)) AS lineAmount\n"
                + "FROM order_events AS o\n"
                + "CROSS JOIN UNNEST(o.lines) AS l (lineId, productId, quantity, unitPrice, discount)\n"
                + "WHERE " + required("o.orderId", "o.ts", "o.userId", "o.merchantId", "l.lineId", "l.productId")
                + "\n  AND CARDINALITY(o.lines) <= 1000 AND l.quantity >= 1 AND l.unitPrice >= 0\n"
                + "  AND COALESCE(l.discount, 0) BETWEEN 0 AND l.quantity * l.unitPrice");
        d.add("CREATE TEMPORARY VIEW attributions AS\n"
                + "SELECT orderId, lineId, ts, userId, merchantId, productId, quantity, lineAmount,\n"
                + "  clickId AS touchEventId, clickTs AS touchTs, creatorId, contentId\n"
                + "FROM (\n"
                + "  SELECT l.orderId, l.lineId, l.ts, l.userId, l.merchantId, l.productId, l.quantity, l.lineAmount,\n"
                + "    c.eventId AS clickId, c.ts AS clickTs, c.creatorId, c.contentId,\n"
                + "    ROW_NUMBER() OVER (PARTITION BY l.orderId, l.lineId ORDER BY c.ts DESC, c.eventId DESC) AS rn\n"
                + "  FROM order_lines AS l\n"
                + "  JOIN valid_clicks AS c\n"
                + "    ON c.userId = l.userId AND c.productId = l.productId\n"
                + "   AND c.event_time BETWEEN l.order_time - " + interval(s.clickWindow) + " AND l.order_time\n"
                + ")\n"
                + "WHERE rn = 1");
        d.add("CREATE TEMPORARY VIEW creator_contributions AS\n"
                + "SELECT creatorId, ts, eventId, 'VIEW' AS kind, CAST(NULL AS STRING) AS orderId,"
                + " CAST(0 AS DECIMAL(18, 2)) AS gmv FROM valid_views\n"
                + "UNION ALL\n"
                + "SELECT creatorId, ts, eventId, kind, CAST(NULL AS STRING), CAST(0 AS DECIMAL(18, 2))"
                + " FROM valid_engagements\n"
                + "UNION ALL\n"
                + "SELECT creatorId, ts, eventId, 'CLICK', CAST(NULL AS STRING), CAST(0 AS DECIMAL(18, 2))"
                + " FROM valid_clicks\n"
                + "UNION ALL\n"
                + "SELECT creatorId, ts, CAST(NULL AS STRING), 'LINE', orderId, lineAmount FROM attributions");

        d.add("CREATE TEMPORARY TABLE sql_attributions (\n"
                + "  orderId STRING, lineId STRING, ts BIGINT, userId STRING, merchantId STRING, productId STRING,\n"
                + "  quantity BIGINT, lineAmount DECIMAL(18, 2), touchEventId STRING, touchTs BIGINT,\n"
                + "  creatorId STRING, contentId STRING,\n"
                + "  PRIMARY KEY (orderId, lineId) NOT ENFORCED\n"
                + ") WITH (\n" + upsertSink(s.attributionsTopic, "attributions") + ")");
        for (Duration w : s.windows) {
            d.add("CREATE TEMPORARY TABLE " + kpiTable(w) + " (\n"
                    + "  creatorId STRING, windowStart BIGINT, windowEnd BIGINT, dimension STRING,\n"
                    + "  `views` BIGINT, likes BIGINT, comments BIGINT, shares BIGINT, engagements BIGINT,"
                    + " clicks BIGINT,\n"
                    + "  attributedOrders BIGINT, attributedGmv DECIMAL(38, 2),\n"
                    + "  PRIMARY KEY (creatorId, windowStart, windowEnd) NOT ENFORCED\n"
                    + ") WITH (\n" + upsertSink(s.kpisTopic, "kpis-" + label(w)) + ")");
        }
        return d;
    }

    /** The INSERT statements of the statement set: the attribution, then one KPI aggregate per window size. */
    public List<String> inserts() {
        List<String> i = new ArrayList<>();
        i.add("INSERT INTO sql_attributions SELECT * FROM attributions");
        for (Duration w : s.windows) {
            long ms = w.toMillis();
            String hint = "/*+ STATE_TTL('c' = '" + millis(w.plus(Duration.ofHours(1))) + "') */ ";
            i.add("INSERT INTO " + kpiTable(w) + "\n"
                    + "SELECT " + hint + "creatorId, windowStart, windowEnd, 'CREATOR',\n"
                    + "  COUNT(DISTINCT eventId) FILTER (WHERE kind = 'VIEW'),\n"
                    + "  COUNT(DISTINCT eventId) FILTER (WHERE kind = 'LIKE'),\n"
                    + "  COUNT(DISTINCT eventId) FILTER (WHERE kind = 'COMMENT'),\n"
                    + "  COUNT(DISTINCT eventId) FILTER (WHERE kind = 'SHARE'),\n"
                    + "  COUNT(DISTINCT eventId) FILTER (WHERE kind IN ('LIKE', 'COMMENT', 'SHARE')),\n"
                    + "  COUNT(DISTINCT eventId) FILTER (WHERE kind = 'CLICK'),\n"
                    + "  COUNT(DISTINCT orderId),\n"
                    + "  COALESCE(SUM(gmv), 0)\n"
                    + "FROM (\n"
                    + "  SELECT *, ts - MOD(ts, " + ms + ") AS windowStart, ts - MOD(ts, " + ms + ") + " + ms
                    + " AS windowEnd\n"
                    + "  FROM creator_contributions\n"
                    + ") AS c\n"
                    + "GROUP BY creatorId, windowStart, windowEnd");
        }
        return i;
    }

    private String rowtime() {
        return "  event_time AS TO_TIMESTAMP_LTZ(ts, 3),\n"
                + "  WATERMARK FOR event_time AS event_time - " + interval(s.watermarkBound) + "\n";
    }

    private String source(String topic) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("connector", "kafka");
        o.put("topic", topic);
        kafka(o);
        o.put("properties.group.id", s.groupId);
        o.put("properties.isolation.level", "read_committed");
        // Committed offsets of the group, else the beginning (as Tally's sources).
        o.put("scan.startup.mode", "group-offsets");
        o.put("properties.auto.offset.reset", "earliest");
        if (s.bounded) o.put("scan.bounded.mode", "latest-offset");
        o.put("format", "json");
        o.put("json.ignore-parse-errors", "true");
        o.put("json.fail-on-missing-field", "false");
        return options(o);
    }

    private String upsertSink(String topic, String name) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("connector", "upsert-kafka");
        o.put("topic", topic);
        kafka(o);
        o.put("key.format", "json");
        o.put("value.format", "json");
        o.put("sink.delivery-guarantee", "exactly-once");
        // One prefix per sink: sinks sharing a prefix would fence each other's transactions.
        o.put("sink.transactional-id-prefix", s.transactionalIdPrefix + "-sql-" + name);
        o.put("properties.transaction.timeout.ms", String.valueOf(s.transactionTimeout.toMillis()));
        // Several updates of one key within a second reach Kafka as one record.
        o.put("sink.buffer-flush.max-rows", "5000");
        o.put("sink.buffer-flush.interval", "1 s");
        o.put("properties.compression.type", s.compression);
        return options(o);
    }

    private void kafka(Map<String, String> o) {
        o.put("properties.bootstrap.servers", s.bootstrapServers);
        s.kafkaProperties.forEach((k, v) -> o.put("properties." + k, v));
    }

    private static String options(Map<String, String> o) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : o.entrySet()) {
            if (b.length() > 0) b.append(",\n");
            b.append("  '").append(quote(e.getKey())).append("' = '").append(quote(e.getValue())).append('\'');
        }
        return b.append('\n').toString();
    }

    private static String required(String... columns) {
        StringBuilder b = new StringBuilder();
        for (String c : columns) {
            if (b.length() > 0) b.append(" AND ");
            b.append(c).append(" IS NOT NULL");
        }
        return b.toString();
    }

    private static String kpiTable(Duration w) {
        return "sql_kpis_" + label(w);
    }

    /** 1m, 1h, 1d, 90s, ... */
    static String label(Duration w) {
        long ms = w.toMillis();
        if (ms % 86_400_000L == 0) return ms / 86_400_000L + "d";
        if (ms % 3_600_000L == 0) return ms / 3_600_000L + "h";
        if (ms % 60_000L == 0) return ms / 60_000L + "m";
        if (ms % 1_000L == 0) return ms / 1_000L + "s";
        return ms + "ms";
    }

    /** A SQL interval literal of a duration, to the millisecond. */
    static String interval(Duration d) {
        long ms = d.toMillis();
        // The planner takes the default day precision (2) only.
        if (ms < 0 || ms >= 100 * 86_400_000L) throw new IllegalArgumentException("SQL baseline: " + d + " not in [0, 100 days)");
        return String.format("INTERVAL '%d %02d:%02d:%02d.%03d' DAY TO SECOND(3)", ms / 86_400_000L,
                ms / 3_600_000L % 24, ms / 60_000L % 60, ms / 1_000L % 60, ms % 1_000L);
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    private static String quote(String v) {
        return v.replace("'", "''");
    }
}
