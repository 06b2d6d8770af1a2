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
 * The five default rules of jobs/alerts.yaml on what {@code tally local} generates: 19 sparse simulated hours hold a
 * viral content, a product running out of stock while clicked, a creator whose cost per acquisition exceeds margin,
 * a creator whose conversion drops and a promoted product whose reviews collapse; a quiet spell and two hours of
 * dense traffic follow. Each rule fires and resolves, once per streak.
 */
class AlertsGeneratedReplayTest {
    @TempDir
    static Path dir;

    static final List<JsonNode> ALERTS = new ArrayList<>();
    /** The sparse history: 19 hours from the generator's start. */
    static long HISTORY_END;

    @BeforeAll
    static void replay() throws Exception {
        // What `tally local` sends: 19 sparse hours of history, a quiet spell, then dense traffic.
        GeneratorSettings settings = new GeneratorSettings();
        settings.backfillMs = Duration.ofHours(19).toMillis();
        settings.backfillEventsPerSimulatedSecond = 5;
        settings.eventsPerSimulatedSecond = 200;
        Generator generator = new Generator(settings);
        HISTORY_END = generator.startTs() + settings.backfillMs;
        FileOutput.write(generator, dir.resolve("in"), Duration.ofHours(19 + 13 + 2));
        TallyConfig config = ConfigLoader.load(Path.of("jobs/alerts.yaml"));
        Replay.run(dir.resolve("in"), dir.resolve("out"), config, 2);
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(dir.resolve("out").resolve("alerts.jsonl"))) ALERTS.add(json.readTree(line));
    }

    @ParameterizedTest
    @ValueSource(strings = {"viral-spike", "stock-out-while-promoted", "cpa-above-margin", "conversion-drop",
            "review-score-drop"})
    void eachDefaultRuleFiresAndResolves(String ruleId) {
        List<String> states = new ArrayList<>();
        for (JsonNode a : ALERTS) {
            if (a.get("ruleId").asText().equals(ruleId)) states.add(a.get("state").asText());
        }
        assertThat(states).as(ruleId).contains("FIRING", "RESOLVED");
    }

    /**
     * Each story makes its rule fire once for its actor (seed 42's cast) and resolve once when it ends, without
     * flicker in the sparse history; the sudden dense traffic after the quiet spell is not taken for a viral spike
     * or a conversion drop anywhere.
     */
    @ParameterizedTest
    @ValueSource(strings = {"viral-spike|ct-0031-01", "stock-out-while-promoted|p-001-001",
            "cpa-above-margin|c-0003", "conversion-drop|c-0001", "review-score-drop|p-001-003"})
    void eachStoryIsOneStreak(String ruleAndKey) {
        String[] parts = ruleAndKey.split("\\|");
        List<String> states = new ArrayList<>();
        for (JsonNode a : ALERTS) {
            if (a.get("ruleId").asText().equals(parts[0]) && a.get("key").asText().equals(parts[1])
                    && a.get("windowStart").asLong() <= HISTORY_END) {
                states.add(a.get("state").asText());
            }
        }
        assertThat(states).as(ruleAndKey).containsExactly("FIRING", "RESOLVED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"viral-spike|ct-0031-01", "conversion-drop|c-0001", "review-score-drop|p-001-003"})
    void onlyTheStoryTriggersBaselineRules(String ruleAndKey) {
        String[] parts = ruleAndKey.split("\\|");
        for (JsonNode a : ALERTS) {
            if (a.get("ruleId").asText().equals(parts[0])) assertThat(a.get("key").asText()).isEqualTo(parts[1]);
        }
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
