package io.tally.alert;

import io.tally.config.ConfigException;
import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.event.AlertRule;
import io.tally.kpi.Kpi;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tally.alert.AlertFixtures.MINUTE;
import static io.tally.alert.AlertFixtures.alsoRequire;
import static io.tally.alert.AlertFixtures.baseline;
import static io.tally.alert.AlertFixtures.minSample;
import static io.tally.alert.AlertFixtures.rule;
import static io.tally.alert.AlertFixtures.versus;
import static io.tally.alert.AlertFixtures.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The configured rules of the alerts job ({@code alerts.rules}): the shipped defaults load, a bad rule fails at start. */
class AlertTopologyTest {
    private static final long HOUR = 60 * MINUTE;

    @TempDir
    Path dir;

    private static long[] sizes(TallyConfig config) {
        return config.kpis.windows.stream().mapToLong(Duration::toMillis).toArray();
    }

    @Test
    void theDefaultRulesOfTheAlertsJobLoad() {
        TallyConfig config = ConfigLoader.load(Path.of("jobs/alerts.yaml"), Map.of());

        List<AlertRule> rules = AlertTopology.configuredRules(config.alerts, sizes(config));

        assertThat(rules).containsExactly(
                minSample(with(versus("cpa-above-margin", 0, "cpa", ">", "marginPerOrder"), r -> r.windowMs = HOUR),
                        "attributedOrders", 5),
                minSample(with(baseline("conversion-drop", 0, "conversionRate", "<", 24, 0.5), r -> r.windowMs = HOUR),
                        "clicks", 50),
                minSample(with(baseline("viral-spike", 0, "views", ">", 30, 10), r -> {
                    r.dimension = "CONTENT";
                    r.early = true;
                }), "views", 100),
                minSample(with(rule("stock-out-while-promoted", 0, "stock", "<=", 0), r -> {
                    r.dimension = "PRODUCT";
                    r.early = true;
                }), "clicks", 1),
                alsoRequire(minSample(with(rule("review-score-drop", 0, "avgRating", "<", 3.0), r -> {
                    r.dimension = "PRODUCT";
                    r.windowMs = HOUR;
                }), "reviews", 5), "clicks", ">=", 1));
    }

    @Test
    void theDefaultRulesTravelWithTheJob() throws Exception {
        TallyConfig config = ConfigLoader.load(Path.of("jobs/alerts.yaml"), Map.of());
        List<AlertRule> rules = AlertTopology.configuredRules(config.alerts, sizes(config));

        // Flink serializes the function, configured rules included, when the job is built and deployed.
        EvaluateAlerts copy = InstantiationUtil.clone(new EvaluateAlerts(rules, true));
        assertThat(copy).isNotNull();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AlertTopology.Outputs outputs = AlertTopology.build(env.fromData(Kpi.class, new Kpi()),
                env.fromData(AlertRule.class, new AlertRule()), config.alerts, config.kpis, true);
        assertThat(outputs.alerts).isNotNull();
    }

    private static Map<String, Object> busy() {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("ruleId", "busy");
        rule.put("dimension", "ALL");
        rule.put("window", "1m");
        rule.put("metric", "clicks");
        rule.put("op", ">=");
        rule.put("threshold", 10);
        return rule;
    }

    private static TallyConfig withRules(List<Map<String, Object>> rules) {
        TallyConfig config = new TallyConfig();
        config.alerts.rules = new ArrayList<>(rules);
        return config;
    }

    @Test
    void aConfiguredRuleIsInForceFromTheStartUnlessItSaysOtherwise() {
        Map<String, Object> later = busy();
        later.put("ruleId", "later");
        later.put("ts", 3_600_000);
        TallyConfig config = withRules(List.of(busy(), later));

        assertThat(AlertTopology.configuredRules(config.alerts, sizes(config))).extracting(r -> r.ruleId + "@" + r.ts)
                .containsExactly("busy@0", "later@3600000");
    }

    @Test
    void aRuleThatDoesNotParseFailsNamingItsPlaceInTheList() {
        Map<String, Object> bad = busy();
        bad.put("metric", "clickz");
        TallyConfig config = withRules(List.of(busy(), bad));

        assertThatThrownBy(() -> AlertTopology.configuredRules(config.alerts, sizes(config)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("alerts.rules[1]: metric")
                .hasMessageContaining("clickz");
    }

    @Test
    void aRuleWithoutAThresholdFailsNamingTheField() {
        Map<String, Object> bad = busy();
        bad.remove("threshold");
        TallyConfig config = withRules(List.of(bad));

        assertThatThrownBy(() -> AlertTopology.configuredRules(config.alerts, sizes(config)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("alerts.rules[0]: threshold: missing");
    }

    @Test
    void aRuleOverAWindowThatIsNotAKpiSizeFails() {
        Map<String, Object> bad = busy();
        bad.put("window", "5m");
        TallyConfig config = withRules(List.of(busy(), busy(), bad));

        assertThatThrownBy(() -> AlertTopology.configuredRules(config.alerts, sizes(config)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("alerts.rules[2]: window: 5m is not a KPI window size (1m, 1h, 1d)");
    }

    @Test
    void aBadRuleInTheJobFileFailsToLoadNamingTheFileAndTheRule() throws Exception {
        Path file = dir.resolve("alerts.yaml");
        Files.writeString(file, "alerts:\n  rules:\n"
                + "    - {ruleId: ok, dimension: ALL, window: 1m, metric: clicks, op: '>', threshold: 1}\n"
                + "    - {ruleId: bad, dimension: ALL, window: 1m, metric: clicks, op: '=>', threshold: 1}\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": alerts.rules[1]: op: '=>' is not one of >, >=, <, <=");
    }
}
