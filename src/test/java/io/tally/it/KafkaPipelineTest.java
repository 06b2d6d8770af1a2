package io.tally.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.cli.RunCommand;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.io.KafkaIo;
import io.tally.io.KafkaSinks;
import io.tally.io.RawRecord;
import io.tally.local.Topics;
import io.tally.pipeline.Environments;
import io.tally.pipeline.Job;
import io.tally.pipeline.TallyPipeline;
import io.tally.testing.KafkaBroker;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
    static final class FailOnceAfterCheckpoint extends RichMapFunction<RawRecord, RawRecord> implements CheckpointListener {
        static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();

        @Override
        public RawRecord map(RawRecord r) {
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
        TallyConfig config = new TallyConfig();
        config.kafka.bootstrapServers = KAFKA.bootstrapServers();
        config.kafka.transactionTimeout = Duration.ofMinutes(1);
        config.kafka.transactionalIdPrefix = "it-" + System.nanoTime();
        config.kafka.groupId = "it";
        config.job.parallelism = 2;
        config.time.sourceIdleness = Duration.ofSeconds(1);
        config.checkpoints.interval = Duration.ofMillis(500);
        config.checkpoints.minPause = Duration.ofMillis(100);
        config.checkpoints.dir = dir.resolve("checkpoints").toUri().toString();
        config.attribution.shadowModels.clear();
        Topics.createAll(KAFKA.admin(), config, 2);

        StreamExecutionEnvironment env = Environments.create(config, Environments.Mode.LOCAL);
        TallyPipeline.build(Job.ALL, stream -> {
            DataStream<RawRecord> raw = KafkaIo.source(env, config, stream);
            return stream == Stream.ORDERS ? raw.map(new FailOnceAfterCheckpoint()).name("Fail once").uid("fail-once") : raw;
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
            // Later events move every active stream's watermark past the last order.
            long end = T0 + 1_000L * ORDERS + 60_000;
            KAFKA.produce(config.topic(Stream.CLICKS), List.of("{\"eventId\":\"tick\",\"ts\":" + end + ",\"userId\":\"tick\","
                    + "\"creatorId\":\"c1\",\"contentId\":\"v1\",\"contentType\":\"VIDEO\",\"productId\":\"p1\",\"merchantId\":\"m1\"}"));
            KAFKA.produce(config.topic(Stream.ORDERS), List.of("{\"orderId\":\"tick\",\"ts\":" + end + ",\"userId\":\"tick\","
                    + "\"merchantId\":\"m1\",\"lines\":[{\"lineId\":\"l1\",\"productId\":\"p1\",\"quantity\":1,\"unitPrice\":1}]}"));

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
        for (Job job : List.of(Job.ATTRIBUTION, Job.KPIS)) {
            StreamExecutionEnvironment env = Environments.create(config, Environments.Mode.CLUSTER);
            RunCommand.build(env, job, config);
            assertThat(env.getStreamGraph().getStreamNodes()).as(job.name()).isNotEmpty();
        }
    }
}
