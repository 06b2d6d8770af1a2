package io.tally.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.generate.FileOutput;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import io.tally.pipeline.Replay;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The four default rules of jobs/alerts.yaml on generated data: 19 simulated hours (sparse, so the replay stays
 * quick) hold a viral content, a product running out of stock while clicked, a creator whose cost per acquisition
 * exceeds margin, and a creator whose conversion drops; each rule fires and resolves, once per streak.
 */
class AlertsGeneratedReplayTest {
    @TempDir
    static Path dir;

    static final List<JsonNode> ALERTS = new ArrayList<>();

    @BeforeAll
    static void replay() throws Exception {
        GeneratorSettings settings = new GeneratorSettings();
        settings.eventsPerSimulatedSecond = 5;
        FileOutput.write(new Generator(settings), dir.resolve("in"), Duration.ofHours(19));
        TallyConfig config = ConfigLoader.load(Path.of("jobs/alerts.yaml"));
        Replay.run(dir.resolve("in"), dir.resolve("out"), config, 2);
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(dir.resolve("out").resolve("alerts.jsonl"))) ALERTS.add(json.readTree(line));
    }

    @ParameterizedTest
    @ValueSource(strings = {"viral-spike", "stock-out-while-promoted", "cpa-above-margin", "conversion-drop"})
    void eachDefaultRuleFiresAndResolves(String ruleId) {
        List<String> states = new ArrayList<>();
        for (JsonNode a : ALERTS) {
            if (a.get("ruleId").asText().equals(ruleId)) states.add(a.get("state").asText());
        }
        assertThat(states).as(ruleId).contains("FIRING", "RESOLVED");
    }

    @Test
    void everyAlertFiresOnceThenResolvesAtMostOnceLater() {
        Map<String, List<JsonNode>> byId = new HashMap<>();
        for (JsonNode a : ALERTS) byId.computeIfAbsent(a.get("alertId").asText(), k -> new ArrayList<>()).add(a);
        assertThat(byId).isNotEmpty();
        byId.forEach((id, changes) -> {
            assertThat(changes.get(0).get("state").asText()).as(id).isEqualTo("FIRING");
            assertThat(changes).as(id).hasSizeLessThanOrEqualTo(2);
            if (changes.size() == 2) {
                assertThat(changes.get(1).get("state").asText()).as(id).isEqualTo("RESOLVED");
                assertThat(changes.get(1).get("ts").asLong()).as(id).isGreaterThan(changes.get(0).get("ts").asLong());
            }
        });
    }
}
