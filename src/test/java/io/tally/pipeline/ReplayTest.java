package io.tally.pipeline;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The replay command end to end on a small hand-written data set. */
class ReplayTest {
    @TempDir
    Path dir;

    private void write(String stream, String... lines) throws Exception {
        Files.createDirectories(dir.resolve("in"));
        Files.write(dir.resolve("in").resolve(stream + ".jsonl"), List.of(lines), StandardCharsets.UTF_8);
    }

    private List<String> read(String output) throws Exception {
        return Files.readAllLines(dir.resolve("out").resolve(output + ".jsonl"), StandardCharsets.UTF_8);
    }

    @Test
    void attributesALastClickOrderAndReversesARefund() throws Exception {
        write("creators", "{\"creatorId\":\"c1\",\"ts\":0,\"followers\":150000}");
        write("commission-rules", "{\"ruleId\":\"r1\",\"ts\":0,\"merchantId\":\"m1\",\"rate\":0.1}");
        write("products", "{\"productId\":\"p1\",\"ts\":0,\"merchantId\":\"m1\",\"unitCost\":4.00,\"stock\":10}");
        write("clicks",
                "{\"eventId\":\"k1\",\"ts\":1000,\"userId\":\"u1\",\"creatorId\":\"c1\",\"contentId\":\"v1\",\"contentType\":\"VIDEO\",\"productId\":\"p1\",\"merchantId\":\"m1\",\"contentFormat\":\"REVIEW\"}",
                "{\"eventId\":\"k1\",\"ts\":1000,\"userId\":\"u1\",\"creatorId\":\"c1\",\"contentId\":\"v1\",\"contentType\":\"VIDEO\",\"productId\":\"p1\",\"merchantId\":\"m1\",\"contentFormat\":\"REVIEW\"}",
                "not json");
        write("orders", "{\"orderId\":\"o1\",\"ts\":5000,\"userId\":\"u1\",\"merchantId\":\"m1\",\"lines\":[{\"lineId\":\"l1\",\"productId\":\"p1\",\"quantity\":2,\"unitPrice\":10.00}]}");
        write("order-updates", "{\"eventId\":\"x1\",\"ts\":9000,\"orderId\":\"o1\",\"lineId\":\"l1\",\"kind\":\"REFUND\",\"amount\":5.00}");

        TallyConfig config = new TallyConfig();
        config.attribution.shadowModels.clear();
        Map<Stream, Long> counts = Replay.run(dir.resolve("in"), dir.resolve("out"), config, 2);

        assertThat(read("attributions")).containsExactly(
                "{\"orderId\":\"o1\",\"lineId\":\"l1\",\"ts\":5000,\"userId\":\"u1\",\"merchantId\":\"m1\",\"productId\":\"p1\",\"quantity\":2,\"lineAmount\":20.00,\"model\":\"LAST_CLICK\",\"touch\":\"CLICK\",\"touchEventId\":\"k1\",\"touchTs\":1000,\"creatorId\":\"c1\",\"contentId\":\"v1\",\"contentFormat\":\"REVIEW\",\"tier\":\"MID\",\"weight\":1.0,\"amount\":20.00,\"commissionRate\":0.1,\"commission\":2.00,\"margin\":12.00,\"newCustomer\":true,\"selfPurchase\":false,\"reversal\":false}",
                "{\"orderId\":\"o1\",\"lineId\":\"l1\",\"ts\":9000,\"userId\":\"u1\",\"merchantId\":\"m1\",\"productId\":\"p1\",\"quantity\":2,\"lineAmount\":20.00,\"model\":\"LAST_CLICK\",\"touch\":\"CLICK\",\"touchEventId\":\"k1\",\"touchTs\":1000,\"creatorId\":\"c1\",\"contentId\":\"v1\",\"contentFormat\":\"REVIEW\",\"tier\":\"MID\",\"weight\":1.0,\"amount\":-5.00,\"commissionRate\":0.1,\"commission\":-0.50,\"margin\":12.00,\"newCustomer\":true,\"selfPurchase\":false,\"reversal\":true,\"updateEventId\":\"x1\",\"updateKind\":\"REFUND\"}");
        assertThat(read("dead-letters")).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains("\"reason\":\"DUPLICATE\""))
                .anySatisfy(l -> assertThat(l).contains("\"reason\":\"MALFORMED_JSON\""));
        assertThat(counts.get(Stream.ATTRIBUTIONS_SHADOW)).isZero();
        assertThat(read("attributions-shadow")).isEmpty();
        assertThat(read("kpis")).anySatisfy(k -> assertThat(k).startsWith(
                "{\"dimension\":\"CREATOR\",\"key\":\"c1\",\"windowStart\":0,\"windowEnd\":60000,\"final\":true")
                .contains("\"gmv\":20.00", "\"commission\":1.50", "\"refundedAmount\":5.00", "\"gmvShare\":1.0"));
    }

    private static String click(String id, long ts) {
        return "{\"eventId\":\"" + id + "\",\"ts\":" + ts + ",\"userId\":\"u1\",\"creatorId\":\"c1\",\"contentId\":\"v1\","
                + "\"contentType\":\"VIDEO\",\"productId\":\"p1\",\"merchantId\":\"m1\"}";
    }

    @Test
    void anAlertFiresOnceAndResolvesOnTheFirstSlotWithoutABreachEvenAnEmptyOne() throws Exception {
        write("alert-rules", "{\"ruleId\":\"busy\",\"ts\":0,\"dimension\":\"ALL\",\"window\":\"1m\",\"metric\":\"clicks\","
                + "\"op\":\">=\",\"threshold\":2}");
        write("clicks", click("a", 1_000), click("b", 2_000), click("c", 61_000), click("d", 62_000), click("e", 63_000),
                click("f", 301_000));

        Replay.run(dir.resolve("in"), dir.resolve("out"), new TallyConfig(), 2);

        assertThat(read("alerts")).containsExactly(
                "{\"alertId\":\"busy|ALL|*|0\",\"ruleId\":\"busy\",\"dimension\":\"ALL\",\"key\":\"*\",\"metric\":\"clicks\","
                        + "\"op\":\">=\",\"value\":2.0,\"threshold\":2.0,\"state\":\"FIRING\",\"windowStart\":0,"
                        + "\"windowEnd\":60000,\"ts\":60000}",
                "{\"alertId\":\"busy|ALL|*|0\",\"ruleId\":\"busy\",\"dimension\":\"ALL\",\"key\":\"*\",\"metric\":\"clicks\","
                        + "\"op\":\">=\",\"value\":null,\"threshold\":null,\"state\":\"RESOLVED\",\"windowStart\":120000,"
                        + "\"windowEnd\":180000,\"ts\":180000}");
    }
}
