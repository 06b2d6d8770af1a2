package io.tally.local;

import io.tally.alert.Alert;
import io.tally.alert.AlertState;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.io.Json;
import io.tally.kpi.Kpi;
import io.tally.testing.KafkaBroker;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LiveViewTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    private static final TallyConfig CONFIG = new TallyConfig();
    private static final long H17 = Instant.parse("2026-11-24T17:00:00Z").toEpochMilli();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void writeOutputs() {
        Topics.createAll(KAFKA.admin(), CONFIG, 1);
        KAFKA.produce(List.of(creatorKpi("creator-9", 90_00), creatorKpi("creator-8", 80_00)));
        KAFKA.produce(CONFIG.topic(Stream.ALERTS), List.of(alert()));
        KAFKA.produce(CONFIG.topic(Stream.ATTRIBUTIONS), List.of("{}", "{}", "{}"));
    }

    @Test
    void drawsWhatItReadsAsAppendedFramesWhenNotATerminal() {
        Screen screen = new Screen();
        try (LiveView view = new LiveView(KAFKA.clientProperties(), CONFIG, () -> 77, screen.printStream(),
                Duration.ofMillis(100), false)) {
            view.start();
            screen.await("dead letters 0\n", WAIT); // a frame with everything read: 3 attributions, 2 KPIs, 1 alert
            screen.await("attributions 3 | KPI records 2 | alerts 1", WAIT);
        }
        String text = screen.text();
        assertThat(text).contains("Kafka " + KAFKA.bootstrapServers(), "events produced 77", "creator-9",
                "creator-8", "FIRING", "cpa-above-margin");
        assertThat(text.indexOf("creator-9")).isLessThan(text.indexOf("creator-8"));
        assertThat(text).doesNotContain("\u001b");
        assertThat(text.split("Tally local \\|", -1).length - 1).as("frames").isGreaterThan(1);
    }

    @Test
    void clearsTheScreenBeforeEachFrameOnATerminal() {
        Screen screen = new Screen();
        try (LiveView view = new LiveView(KAFKA.clientProperties(), CONFIG, () -> 0, screen.printStream(),
                Duration.ofMillis(100), true)) {
            view.start();
            screen.await("KPI records 2", WAIT);
        }
        assertThat(screen.text()).startsWith("\u001b[H\u001b[2JTally local |");
    }

    @Test
    void closesCleanlyWithoutStarting() {
        Screen screen = new Screen();
        new LiveView(KAFKA.clientProperties(), CONFIG, () -> 0, screen.printStream(), Duration.ofMillis(100), false)
                .close();
        assertThat(screen.text()).isEmpty();
    }

    /** Captures what the view prints; lets a test wait for a text without sleeping. */
    private static final class Screen extends OutputStream {
        private final StringBuilder text = new StringBuilder();

        PrintStream printStream() {
            return new PrintStream(this, true, StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void write(int b) {
            text.append((char) b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            text.append(new String(b, off, len, StandardCharsets.UTF_8));
            notifyAll();
        }

        synchronized String text() {
            return text.toString();
        }

        synchronized void await(String needle, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (text.indexOf(needle) < 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) throw new AssertionError("no '" + needle + "' within " + timeout + " in:\n" + text);
                    wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Keyed like the KPI sink: the topic is compacted. */
    private static ProducerRecord<String, String> creatorKpi(String creator, long gmvCents) {
        Kpi k = new Kpi();
        k.dimension = "CREATOR";
        k.key = creator;
        k.windowStart = H17;
        k.windowEnd = H17 + Duration.ofHours(1).toMillis();
        k.gmvCents = gmvCents;
        k.orders = 1;
        return new ProducerRecord<>(CONFIG.topic(Stream.KPIS), k.kafkaKey(), Json.write(k));
    }

    private static String alert() {
        Alert a = new Alert();
        a.alertId = "cpa-above-margin|CREATOR|creator-9|" + H17;
        a.ruleId = "cpa-above-margin";
        a.dimension = "CREATOR";
        a.key = "creator-9";
        a.metric = "cpa";
        a.op = ">";
        a.value = 12.5;
        a.threshold = 10.0;
        a.state = AlertState.FIRING;
        a.windowStart = H17;
        a.windowEnd = H17 + Duration.ofHours(1).toMillis();
        a.ts = a.windowEnd;
        return Json.write(a);
    }
}
