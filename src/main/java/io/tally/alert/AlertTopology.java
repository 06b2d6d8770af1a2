package io.tally.alert;

import io.tally.config.ConfigException;
import io.tally.config.TallyConfig;
import io.tally.event.AlertRule;
import io.tally.io.DeadLetter;
import io.tally.core.DeadLetters;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
import io.tally.kpi.Kpi;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerts job as a function from streams to streams: KPI records keyed by (dimension, key, window size) meet the
 * alert rules (configured ones and those of the alert-rules stream, broadcast) in {@link EvaluateAlerts}.
 */
public final class AlertTopology {
    private AlertTopology() {}

    public static final class Outputs {
        public final DataStream<Alert> alerts;
        public final DataStream<DeadLetter> deadLetters;

        Outputs(DataStream<Alert> alerts, DataStream<DeadLetter> deadLetters) {
            this.alerts = alerts;
            this.deadLetters = deadLetters;
        }
    }

    /**
     * @param evaluateEarly whether rules marked early may fire on updates of open windows (live runs); replay
     *                      evaluates final records only, so that its output does not depend on timing
     */
    public static Outputs build(DataStream<Kpi> kpis, DataStream<AlertRule> streamedRules, TallyConfig config,
                                boolean evaluateEarly) {
        long[] sizes = config.kpis.windows.stream().mapToLong(Duration::toMillis).toArray();
        List<AlertRule> configured = configuredRules(config, sizes);
        SingleOutputStreamOperator<AlertRule> rules = streamedRules.process(new CheckAlertRule(sizes))
                .returns(AlertRule.class).uid("check-alert-rules").name("Check alert rules");
        SingleOutputStreamOperator<Alert> alerts = kpis.keyBy(EvaluateAlerts::keyOf, Types.STRING)
                .connect(rules.broadcast(EvaluateAlerts.RULES))
                .process(new EvaluateAlerts(configured, evaluateEarly))
                .returns(Alert.class)
                .uid("evaluate-alerts").name("Evaluate alert rules");
        return new Outputs(alerts, rules.getSideOutput(DeadLetters.TAG));
    }

    /** The rules of {@code alerts.rules}, checked like streamed ones; a bad rule fails the job at start. */
    public static List<AlertRule> configuredRules(TallyConfig config, long[] windowSizesMs) {
        List<AlertRule> rules = new ArrayList<>();
        for (int i = 0; i < config.alerts.rules.size(); i++) {
            Map<String, Object> map = config.alerts.rules.get(i);
            try {
                AlertRule rule = configuredRule(map);
                String problem = CheckAlertRule.problem(rule, windowSizesMs);
                if (problem != null) throw new ConfigException("alerts.rules[" + i + "]: " + problem);
                rules.add(rule);
            } catch (InvalidRecordException e) {
                throw new ConfigException("alerts.rules[" + i + "]: " + e.detail());
            }
        }
        return rules;
    }

    /**
     * A rule as the YAML configuration writes it, validated exactly like a record of the alert-rules stream, except
     * that ts defaults to 0: a configured rule is in force from the start.
     */
    public static AlertRule configuredRule(Map<String, ?> map) throws InvalidRecordException {
        Map<String, Object> fields = new LinkedHashMap<>(map);
        fields.putIfAbsent("ts", 0L);
        return Json.fromMap(AlertRule.class, fields);
    }
}
