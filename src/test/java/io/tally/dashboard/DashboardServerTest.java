package io.tally.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.testing.KafkaBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's server alone: fed from the output topics of a real broker, answering over HTTP. */
class DashboardServerTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private DashboardServer server;
    private TopicFeed feed;
    private final BlockingQueue<Boolean> updates = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws Exception {
        if (feed != null) feed.close();
        if (server != null) server.close();
    }

    private void start(String kpis, String alerts, String deadLetters) {
        KAFKA.createTopics(kpis, alerts, deadLetters);
        server = new DashboardServer("127.0.0.1", 0).start();
        feed = new TopicFeed(KAFKA.clientProperties(), kpis, alerts, deadLetters, (view, stale) -> {
            server.update(view, stale);
            updates.add(stale);
        });
        feed.start();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits for the feed's updates until the program says what is expected (event-driven: no sleeping). */
    private JsonNode programOnceItShows(String query, String pointer, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode program = null;
        while (System.nanoTime() < deadline) {
            program = JSON.readTree(get("/api/program" + query).body());
            if (expected.equals(program.at(pointer).asText())) return program;
            updates.poll(1, TimeUnit.SECONDS);
        }
        throw new AssertionError("never showed " + expected + " at " + pointer + ": " + program);
    }

    @Test
    void theHourTilesShowTheKpiRecordsOfTheTopic() throws Exception {
        start("k1", "a1", "d1");
        KAFKA.produce("k1", List.of(
                "{\"dimension\":\"ALL\",\"key\":\"*\",\"windowStart\":0,\"windowEnd\":3600000,\"final\":true,\"views\":10,"
                        + "\"likes\":0,\"comments\":0,\"shares\":0,\"clicks\":4,\"units\":2.0,\"gmv\":25.50,\"orders\":2,"
                        + "\"newCustomerOrders\":1,\"attributedOrders\":2,\"attributedGmv\":25.50,\"commission\":2.55,"
                        + "\"margin\":10.00,\"refunds\":0,\"refundedAmount\":0.00,\"spend\":0.00,\"engagementRate\":null,"
                        + "\"ctr\":0.4,\"aov\":12.75,\"conversionRate\":0.5,\"cpa\":1.28,\"newCustomerRate\":0.5,"
                        + "\"netGmv\":25.50,\"marginPerOrder\":5.00,\"gmvShare\":null,\"stock\":null}"));

        JsonNode program = programOnceItShows("", "/program/hour/0/value", "25.5");
        assertThat(program.at("/program/hour/3/value").asDouble()).isEqualTo(2.0);
        assertThat(program.at("/stale").asBoolean()).isFalse();
        assertThat(programOnceItShows("?merchant=m1", "/program/hour/0/value", "null")).isNotNull();
    }

    @Test
    void aFeedThatLosesTheBrokerSaysTheDataIsStaleAndCatchesUpOnceItIsBack() throws Exception {
        KAFKA.createTopics("k3", "a3", "d3");
        server = new DashboardServer("127.0.0.1", 0).start();
        List<Boolean> staleness = new java.util.concurrent.CopyOnWriteArrayList<>();
        feed = new TopicFeed(KAFKA.clientProperties(), "k3", "a3", "d3", (view, stale) -> {
            server.update(view, stale);
            staleness.add(stale);
            updates.add(stale);
        }, java.time.Duration.ofMillis(300));
        feed.start();
        String record = "{\"dimension\":\"ALL\",\"key\":\"*\",\"windowStart\":0,\"windowEnd\":3600000,\"final\":true,"
                + "\"views\":0,\"likes\":0,\"comments\":0,\"shares\":0,\"clicks\":0,\"units\":0.0,\"gmv\":%s,\"orders\":1,"
                + "\"newCustomerOrders\":0,\"attributedOrders\":0,\"attributedGmv\":0.00,\"commission\":0.00,\"margin\":0.00,"
                + "\"refunds\":0,\"refundedAmount\":0.00,\"spend\":0.00,\"engagementRate\":null,\"ctr\":null,\"aov\":null,"
                + "\"conversionRate\":null,\"cpa\":null,\"newCustomerRate\":null,\"netGmv\":0.00,\"marginPerOrder\":null,"
                + "\"gmvShare\":null,\"stock\":null}";
        KAFKA.produce("k3", List.of(String.format(record, "1.00")));
        programOnceItShows("", "/program/hour/0/value", "1.0");
        staleness.clear();

        KAFKA.restart();
        KAFKA.produce("k3", List.of(String.format(record, "2.00")));
        JsonNode program = programOnceItShows("", "/program/hour/0/value", "2.0");
        assertThat(staleness).as("the feed said stale while the broker was away").contains(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (program.at("/stale").asBoolean() && System.nanoTime() < deadline) {
            updates.poll(1, TimeUnit.SECONDS);
            program = JSON.readTree(get("/api/program").body());
        }
        assertThat(program.at("/stale").asBoolean()).as("fresh again").isFalse();
    }

    @Test
    void anUnknownOrRepeatedParameterIsABadRequestThatSaysWhy() throws Exception {
        start("k2", "a2", "d2");
        HttpResponse<String> unknown = get("/api/program?merchnt=m1");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown parameter 'merchnt'");
        assertThat(get("/api/program?merchant=a&merchant=b").statusCode()).isEqualTo(400);
        assertThat(get("/api/program?merchant=").statusCode()).isEqualTo(400);
    }
}
