package io.tally.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.cli.RunCommand;
import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.connect.Ingested;
import io.tally.connect.RecordReader;
import io.tally.core.DeadLetters;
import io.tally.event.Stream;
import io.tally.local.Topics;
import io.tally.pipeline.Environments;
import io.tally.pipeline.Ingest;
import io.tally.pipeline.Job;
import io.tally.pipeline.KafkaSinks;
import io.tally.pipeline.TallyPipeline;
import io.tally.testing.KafkaBroker;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.SourceOperatorFactory;
import org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperatorFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline on a real in-process Kafka broker and a Flink MiniCluster with RocksDB and checkpoints: records
 * go in through the input topics, attributions come out of their topic read with read_committed — complete and free of
 * duplicates although a task fails once mid-stream after a checkpoint — and bad records land in the dead-letter
 * topic while the job keeps running. Each job deployed on its own, as {@code run} builds it from {@code jobs/*.yaml}:
 * the topics it reads and writes, its operators' uids, and which job reports whose bad records.
 */
class KafkaPipelineTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ORDERS = 300;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z

    @TempDir
    Path dir;

    /** Throws once, on the first record after a checkpoint completed, then passes everything. */
    static final class FailOnceAfterCheckpoint<T> extends RichMapFunction<T, T> implements CheckpointListener {
        static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();

        @Override
        public T map(T r) {
            if (CHECKPOINTED.get() && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after a checkpoint");
            }
            return r;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }

    @Test
    void attributionsAreCompleteAndExactlyOnceDespiteAFailureAndBadRecordsBecomeDeadLetters() throws Exception {
        TallyConfig config = TestJobs.config(KAFKA, dir, "it", 2);
        Topics.createAll(KAFKA.admin(), config, 2);

        StreamExecutionEnvironment env = Environments.create(config, Environments.Mode.LOCAL);
        Ingest.Sources kafka = Ingest.kafka(env, config, false);
        TallyPipeline.build(Job.ALL, new Ingest.Sources() {
            @Override
            public <T> DataStream<Ingested<T>> read(RecordReader<T> reader, long bound, Duration idleness) {
                DataStream<Ingested<T>> read = kafka.read(reader, bound, idleness);
                return reader.stream() != Stream.ORDERS ? read : read.map(new FailOnceAfterCheckpoint<Ingested<T>>())
                        .returns(read.getType()).name("Fail once").uid("fail-once");
            }
        }, config, true).writeTo(new KafkaSinks(config));
        JobClient job = env.executeAsync("kafka-pipeline-test");
        try {
            KAFKA.produce(config.topic(Stream.CREATORS), List.of("{\"creatorId\":\"c1\",\"ts\":" + T0 + ",\"followers\":5000}"));
            KAFKA.produce(config.topic(Stream.COMMISSION_RULES),
                    List.of("{\"ruleId\":\"r1\",\"ts\":" + T0 + ",\"merchantId\":\"m1\",\"rate\":0.1}"));
            List<String> clicks = new ArrayList<>();
            List<String> orders = new ArrayList<>();
            for (int i = 0; i < ORDERS; i++) {
                long ts = T0 + 1_000L * i;
                clicks.add("{\"eventId\":\"k" + i + "\",\"ts\":" + ts + ",\"userId\":\"u" + i + "\",\"creatorId\":\"c1\","
                        + "\"contentId\":\"v1\",\"contentType\":\"VIDEO\",\"productId\":\"p1\",\"merchantId\":\"m1\"}");
                orders.add("{\"orderId\":\"o" + i + "\",\"ts\":" + (ts + 500) + ",\"userId\":\"u" + i + "\",\"merchantId\":\"m1\","
                        + "\"lines\":[{\"lineId\":\"l1\",\"productId\":\"p1\",\"quantity\":1,\"unitPrice\":10.00}]}");
                if (i == ORDERS / 2) {
                    orders.add("{not json");
                    orders.add("{\"orderId\":\"bad\",\"ts\":" + ts + ",\"userId\":\"u\",\"merchantId\":\"m1\",\"lines\":[]}");
                    orders.add(orders.get(orders.size() - 3)); // a re-sent order: DUPLICATE
                }
            }
            KAFKA.produce(config.topic(Stream.CLICKS), clicks);
            KAFKA.produce(config.topic(Stream.ORDERS), orders.subList(0, orders.size() / 2));
            // The second half comes after a checkpoint, so the injected failure strikes mid-stream.
            awaitTrue(FailOnceAfterCheckpoint.CHECKPOINTED, Duration.ofSeconds(60));
            KAFKA.produce(config.topic(Stream.ORDERS), orders.subList(orders.size() / 2, orders.size()));
            // Later records move every input partition's watermark past the last order.
            long end = T0 + 1_000L * ORDERS + 60_000;
            List<ProducerRecord<String, String>> ticks = new ArrayList<>();
            for (int partition = 0; partition < 2; partition++) {
                for (Map.Entry<Stream, String> tick : ticks("tick" + partition, end).entrySet()) {
                    ticks.add(new ProducerRecord<>(config.topic(tick.getKey()), partition, null, tick.getValue()));
                }
            }
            KAFKA.produce(ticks);

            List<ConsumerRecord<String, String>> attributions =
                    KAFKA.readCommitted(config.topic(Stream.ATTRIBUTIONS), ORDERS, Duration.ofSeconds(120));
            List<ConsumerRecord<String, String>> deadLetters =
                    KAFKA.readCommitted(config.topic(Stream.DEAD_LETTERS), 3, Duration.ofSeconds(60));

            assertThat(FailOnceAfterCheckpoint.FAILED).as("the injected failure happened").isTrue();
            Set<String> orderIds = new HashSet<>();
            for (ConsumerRecord<String, String> r : attributions) {
                JsonNode a = JSON.readTree(r.value());
                assertThat(r.key()).isEqualTo(a.get("orderId").asText());
                assertThat(orderIds.add(a.get("orderId").asText())).as("duplicate attribution %s", r.value()).isTrue();
                assertThat(a.get("touch").asText()).isEqualTo("CLICK");
                assertThat(a.get("commission").decimalValue()).isEqualByComparingTo("1.00");
                assertThat(a.get("tier").asText()).isEqualTo("NANO");
            }
            assertThat(orderIds).hasSize(ORDERS);
            List<String> reasons = new ArrayList<>();
            for (ConsumerRecord<String, String> r : deadLetters) {
                JsonNode d = JSON.readTree(r.value());
                reasons.add(d.get("reason").asText());
                if (!d.get("reason").asText().equals("DUPLICATE")) {
                    assertThat(d.get("topic").asText()).isEqualTo(config.topic(Stream.ORDERS));
                    assertThat(d.get("offset").isIntegralNumber()).isTrue();
                }
            }
            assertThat(reasons).containsExactlyInAnyOrder("MALFORMED_JSON", "INVALID_VALUE", "DUPLICATE");
        } finally {
            job.cancel().get();
        }
    }

    /**
     * A valid record of every input stream at ts {@code end}, with ids that touch nothing else (also the cluster
     * test's watermark ticks).
     */
    static Map<Stream, String> ticks(String id, long end) {
        String event = "\"eventId\":\"" + id + "\",\"ts\":" + end + ",\"userId\":\"" + id + "\",\"creatorId\":\"c1\","
                + "\"contentId\":\"v1\",\"contentType\":\"VIDEO\"";
        Map<Stream, String> m = new java.util.EnumMap<>(Stream.class);
        m.put(Stream.VIEWS, "{" + event + "}");
        m.put(Stream.ENGAGEMENTS, "{" + event + ",\"kind\":\"LIKE\"}");
        m.put(Stream.CLICKS, "{" + event + ",\"productId\":\"p1\",\"merchantId\":\"m1\"}");
        m.put(Stream.ORDERS, "{\"orderId\":\"" + id + "\",\"ts\":" + end + ",\"userId\":\"" + id + "\",\"merchantId\":\"m1\","
                + "\"lines\":[{\"lineId\":\"l1\",\"productId\":\"p1\",\"quantity\":1,\"unitPrice\":1}]}");
        m.put(Stream.ORDER_UPDATES, "{\"eventId\":\"" + id + "\",\"ts\":" + end + ",\"orderId\":\"" + id + "\",\"lineId\":\"l1\","
                + "\"kind\":\"CANCEL\"}");
        m.put(Stream.COMMISSION_RULES, "{\"ruleId\":\"" + id + "\",\"ts\":" + end + ",\"merchantId\":\"other\",\"deleted\":true}");
        m.put(Stream.PRODUCTS, "{\"productId\":\"" + id + "\",\"ts\":" + end + ",\"merchantId\":\"other\"}");
        m.put(Stream.CREATORS, "{\"creatorId\":\"" + id + "\",\"ts\":" + end + ",\"followers\":0}");
        m.put(Stream.SPEND, "{\"eventId\":\"" + id + "\",\"ts\":" + end + ",\"merchantId\":\"other\",\"creatorId\":\"" + id
                + "\",\"amount\":0,\"kind\":\"ADS\"}");
        m.put(Stream.ALERT_RULES, "{\"ruleId\":\"" + id + "\",\"ts\":" + end + ",\"enabled\":false}");
        m.put(Stream.REVIEWS, "{\"eventId\":\"" + id + "\",\"ts\":" + end + ",\"userId\":\"" + id
                + "\",\"productId\":\"" + id + "\",\"merchantId\":\"other\",\"rating\":5}");
        // Every input stream: a job without source idleness waits for each of its partitions.
        if (m.size() != (int) java.util.Arrays.stream(Stream.values()).filter(Stream::isInput).count()) {
            throw new IllegalStateException("a tick for every input stream: " + m.keySet());
        }
        return m;
    }

    /** Waits for a condition another thread sets, up to a deadline (a condition, not a guessed delay). */
    private static void awaitTrue(AtomicBoolean flag, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!flag.get()) {
            assertThat(System.nanoTime()).as("waiting for a checkpoint").isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
    }

    /**
     * The topics each deployable job writes under its shipped configuration: contract facts (CONTRACT sections 3 to 6,
     * the {@code write:} lines of {@code jobs/*.yaml}), stated here rather than derived from the code under test.
     */
    private static final Map<Job, Set<String>> WRITES = Map.of(
            Job.ATTRIBUTION, Set.of("tally.attributions", "tally.attributions-shadow", "tally.dead-letters"),
            Job.KPIS, Set.of("tally.kpis", "tally.dead-letters"),
            Job.ALERTS, Set.of("tally.alerts", "tally.dead-letters"));

    /** A job's graph as {@code run <job> --config jobs/<job>.yaml} builds it, with the configuration it was built from. */
    private record Deployed(Job job, TallyConfig config, StreamGraph graph) {
        /** The topic in each Kafka source's or sink's name ("Source: Kafka tally.views", "Kafka tally.kpis: Writer"). */
        Set<String> topics(Class<?> operatorFactory) {
            Set<String> topics = new TreeSet<>();
            for (StreamNode n : graph.getStreamNodes()) {
                if (!operatorFactory.isInstance(n.getOperatorFactory())) continue;
                Matcher m = KAFKA_TOPIC.matcher(n.getOperatorName());
                assertThat(m.find()).as("%s: %s names no Kafka topic", job, n.getOperatorName()).isTrue();
                topics.add(m.group(1));
            }
            return topics;
        }

        Set<String> reads() {
            return topics(SourceOperatorFactory.class);
        }

        Set<String> writes() {
            return topics(SinkWriterOperatorFactory.class);
        }

        /**
         * The input streams whose ingestion dead letters (Admit's and Deduplicate's side output, uids
         * {@code admit-<stream>} and {@code dedup-<stream>}) reach the job's dead-letter sink.
         */
        Set<Stream> reportedDeadLetters() {
            String sink = "Kafka " + config.topic(Stream.DEAD_LETTERS) + ":";
            Deque<StreamNode> todo = new ArrayDeque<>();
            for (StreamNode n : graph.getStreamNodes()) {
                if (n.getOperatorFactory() instanceof SinkWriterOperatorFactory && n.getOperatorName().startsWith(sink)) {
                    todo.add(n);
                }
            }
            assertThat(todo).as("%s has a dead-letter sink", job).hasSize(1);
            Set<Stream> reported = EnumSet.noneOf(Stream.class);
            Set<Integer> seen = new HashSet<>();
            while (!todo.isEmpty()) {
                for (StreamEdge e : todo.poll().getInEdges()) {
                    StreamNode from = graph.getStreamNode(e.getSourceId());
                    if (e.getOutputTag() != null && e.getOutputTag().getId().equals(DeadLetters.TAG.getId())) {
                        for (Stream s : Stream.values()) {
                            String uid = from.getTransformationUID();
                            if (("admit-" + s.wireName()).equals(uid) || ("dedup-" + s.wireName()).equals(uid)) {
                                reported.add(s);
                            }
                        }
                    }
                    if (seen.add(from.getId())) todo.add(from);
                }
            }
            return reported;
        }
    }

    private static final Pattern KAFKA_TOPIC = Pattern.compile("Kafka ([^\\s:]+)");

    /** Built once: building a graph executes nothing, and the tests below only inspect it. */
    private static final Map<Job, Deployed> DEPLOYED = new EnumMap<>(Job.class);

    @BeforeAll
    static void buildEveryDeployableJobOnItsOwnFromItsShippedConfiguration() {
        for (Job job : Job.values()) {
            if (job == Job.ALL) continue; // the whole pipeline in one graph is for local and replay: run refuses it
            TallyConfig config = ConfigLoader.load(repoRoot().resolve("jobs").resolve(job.name().toLowerCase() + ".yaml"),
                    Map.of());
            config.kafka.bootstrapServers = KAFKA.bootstrapServers();
            // The attribution and KPI sinks order records per partition of their topic: it must exist at build time.
            Topics.createAll(KAFKA.admin(), config, 2);
            StreamExecutionEnvironment env = Environments.create(config, Environments.Mode.CLUSTER);
            RunCommand.build(env, job, config);
            DEPLOYED.put(job, new Deployed(job, config, env.getStreamGraph()));
        }
        assertThat(DEPLOYED).containsOnlyKeys(WRITES.keySet());
    }

    @Test
    void eachJobDeployedOnItsOwnReadsTheTopicsOfItsDeclaredStreamsAndWritesItsContractTopics() {
        for (Deployed d : DEPLOYED.values()) {
            Set<String> declared = new TreeSet<>();
            for (Stream s : d.job().inputs()) declared.add(d.config().topic(s));
            assertThat(d.reads()).as("topics %s reads", d.job()).isEqualTo(declared);
            assertThat(d.writes()).as("topics %s writes", d.job()).isEqualTo(new TreeSet<>(WRITES.get(d.job())));
        }
    }

    @Test
    void theKpiAndAlertJobsReadBackWhatTheJobUpstreamOfThemWrites() {
        assertThat(DEPLOYED.get(Job.KPIS).reads()).contains("tally.attributions");
        assertThat(DEPLOYED.get(Job.ALERTS).reads()).contains("tally.kpis");
        // Any topic of Tally's own output a job reads must be written by another job, or it would wait forever.
        for (Deployed d : DEPLOYED.values()) {
            Set<String> writtenByOthers = new HashSet<>();
            for (Deployed other : DEPLOYED.values()) {
                if (other != d) writtenByOthers.addAll(other.writes());
            }
            for (Stream s : d.job().inputs()) {
                if (!s.isInput()) {
                    assertThat(writtenByOthers).as("%s reads %s", d.job(), s).contains(d.config().topic(s));
                }
            }
        }
    }

    /**
     * Flink restores an operator's state from a savepoint by its uid; an operator without one gets an id hashed from
     * the graph's shape, which changes with any edit upstream. Sources (offsets), sinks (transactions), Admit (greatest
     * ts per partition) and keyed operators hold state, and the graph does not tell them all apart from stateless
     * ones, so every operator must have a uid, and no two the same (Flink only rejects those at submission).
     */
    @Test
    void everyOperatorOfEachJobHasAUidOfItsOwn() {
        for (Deployed d : DEPLOYED.values()) {
            List<String> uids = new ArrayList<>();
            for (StreamNode n : d.graph().getStreamNodes()) {
                assertThat(n.getTransformationUID()).as("uid of %s in %s", n.getOperatorName(), d.job()).isNotNull();
                uids.add(n.getTransformationUID());
            }
            assertThat(uids).as("uids of %s", d.job()).doesNotHaveDuplicates();
        }
    }

    /**
     * Deployed separately, the jobs share the dead-letter topic and some inputs (the KPI job also reads views, clicks,
     * products and creators): a bad record must be reported by exactly one of them, not once per job reading it.
     */
    @Test
    void theBadRecordsOfEveryStreamReadAreReportedByExactlyOneJob() {
        Set<Stream> read = EnumSet.noneOf(Stream.class);
        Map<Stream, Job> reportedBy = new EnumMap<>(Stream.class);
        for (Deployed d : DEPLOYED.values()) {
            read.addAll(d.job().inputs());
            Set<Stream> reported = d.reportedDeadLetters();
            assertThat(reported).as("streams %s reports", d.job()).isEqualTo(d.job().reportedInputs());
            for (Stream s : reported) {
                Job before = reportedBy.put(s, d.job());
                assertThat(before).as("%s reported by %s and %s", s, before, d.job()).isNull();
            }
        }
        assertThat(reportedBy.keySet()).as("streams whose bad records some job reports").isEqualTo(read);
    }

    /** The project's root, where {@code jobs/} is, whichever directory the tests run in. */
    private static Path repoRoot() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("jobs"))) return p;
        }
        throw new IllegalStateException("no pom.xml with a jobs/ directory above " + System.getProperty("user.dir"));
    }
}
