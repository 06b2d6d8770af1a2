package io.tally.alert;

import io.tally.core.DeadLetters;
import io.tally.event.AlertRule;
import io.tally.io.DeadLetter;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
import io.tally.kpi.Kpi;
import io.tally.kpi.KpiSettings;
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
    public static Outputs build(DataStream<Kpi> kpis, DataStream<AlertRule> streamedRules, AlertSettings settings,
                                KpiSettings kpiSettings, boolean evaluateEarly) {
        long[] sizes = windowSizesMs(kpiSettings);
        List<AlertRule> configured = configuredRules(settings, sizes);
        SingleOutputStreamOperator<AlertRule> rules = streamedRules.process(new CheckAlertRule(sizes))
                .returns(AlertRule.class).uid("check-alert-rules").name("Check alert rules");
        SingleOutputStreamOperator<Alert> alerts = kpis.keyBy(EvaluateAlerts::keyOf, Types.STRING)
                .connect(rules.broadcast(EvaluateAlerts.RULES))
                .process(new EvaluateAlerts(configured, evaluateEarly))
                .returns(Alert.class)
                .uid("evaluate-alerts").name("Evaluate alert rules");
        return new Outputs(alerts, rules.getSideOutput(DeadLetters.TAG));
    }

    /** The KPI window sizes, which are the windows alert rules may look at. */
    public static long[] windowSizesMs(KpiSettings kpiSettings) {
        return kpiSettings.windows.stream().mapToLong(Duration::toMillis).toArray();
    }

    /**
     * The rules of {@code alerts.rules}, checked like streamed ones (the configuration loader checks them first, so a
     * job file with a bad rule fails to load).
     *
     * @throws IllegalArgumentException naming the rule's place in the list and the field, e.g. {@code alerts.rules[1]: op: ...}
     */
    public static List<AlertRule> configuredRules(AlertSettings settings, long[] windowSizesMs) {
        List<AlertRule> rules = new ArrayList<>();
        for (int i = 0; i < settings.rules.size(); i++) {
            String problem;
            try {
                AlertRule rule = configuredRule(settings.rules.get(i));
                problem = CheckAlertRule.problem(rule, windowSizesMs);
                if (problem == null) rules.add(rule);
            } catch (InvalidRecordException e) {
                problem = e.detail();
            }
            if (problem != null) throw new IllegalArgumentException("alerts.rules[" + i + "]: " + problem);
        }
        return rules;
    }

    /**
     * A rule as the YAML configuration writes it, validated exactly like a record of the alert-rules stream, except
     * that ts defaults to 0: a configured rule is in force from the start.
     */
    public static AlertRule configuredRule(Map<String, ?> map) throws InvalidRecordException {
        Map<String, Object> fields = new LinkedHashMap<>(map);
        if (!fields.containsKey("ts")) fields.put("ts", 0L); // a ts given as null stays missing
        return Json.fromMap(AlertRule.class, fields);
    }
}
