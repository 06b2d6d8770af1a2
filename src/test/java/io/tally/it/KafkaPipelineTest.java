package io.tally.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.cli.RunCommand;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.connect.KafkaIo;
import io.tally.pipeline.KafkaSinks;
import io.tally.connect.Ingested;
import io.tally.connect.RecordReader;
import io.tally.local.Topics;
import io.tally.pipeline.Environments;
import io.tally.pipeline.Ingest;
import io.tally.pipeline.Job;
import io.tally.pipeline.TallyPipeline;
import io.tally.testing.KafkaBroker;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline on a real in-process Kafka broker and a Flink MiniCluster with RocksDB and checkpoints: records
 * go in through the input topics, attributions come out of their topic read with read_committed — complete and free of
 * duplicates although a task fails once mid-stream after a checkpoint — and bad records land in the dead-letter
 * topic while the job keeps running.
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

    @Test
    void runCommandBuildsEveryJobOnItsOwn() {
        TallyConfig config = new TallyConfig();
        config.kafka.bootstrapServers = KAFKA.bootstrapServers();
        // The attribution sink orders records per partition of its topic: it must exist when the job is built.
        io.tally.local.Topics.createAll(KAFKA.admin(), config, 2);
        for (Job job : List.of(Job.ATTRIBUTION, Job.KPIS)) {
            StreamExecutionEnvironment env = Environments.create(config, Environments.Mode.CLUSTER);
            RunCommand.build(env, job, config);
            assertThat(env.getStreamGraph().getStreamNodes()).as(job.name()).isNotEmpty();
        }
    }
}
