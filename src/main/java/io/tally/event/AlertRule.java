package io.tally.event;

import com.fasterxml.jackson.annotation.JsonGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.tally.io.Json;
import io.tally.io.Problem;
import io.tally.io.Values;
import io.tally.io.WireFormat.AtLeast;
import io.tally.io.WireFormat.AtMost;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.OneOf;
import io.tally.io.WireFormat.Required;
import io.tally.io.WireFormat.WhenOff;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * A version of an alert rule (stream {@code alert-rules}, CONTRACT section 5). The threshold is one of three
 * forms, flattened into fields so the record stays a Flink POJO: a number ({@link #thresholdValue}), another
 * metric of the same KPI record ({@link #thresholdMetric}), or a baseline ({@link #baselineWindows} x
 * {@link #baselineFactor}); on the wire it is {@code threshold}, as the contract writes it. Dimension, metric and
 * operator are kept as the strings the contract spells (Flink state holds them so), validated against
 * {@link Dimension}, {@link Metric} and {@link Op}.
 *
 * <p>The optional further condition {@code alsoRequire} {metric, op, value} (CONTRACT section 8) is flattened the same
 * way ({@link #alsoRequireMetric}, {@link #alsoRequireOp}, {@link #alsoRequireValue}); rules of earlier versions
 * restored from a savepoint have none (null), as Flink's POJO serializer adds the fields.
 *
 * <p>Choices where the contract is silent: the window is a duration string (1h) or an integer of milliseconds; a
 * baseline averages at most 1000 windows (alert state keeps that many per key); a disabled version keeps only ruleId
 * and ts, whatever else it says.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
@JsonPropertyOrder({"ruleId", "ts", "dimension", "window", "metric", "op", "threshold", "minSample", "alsoRequire",
        "forWindows", "early", "enabled"})
@WhenOff(flag = "enabled", keep = {"ruleId", "ts"})
public class AlertRule implements Serializable, Record {
    /**
     * Serializable because the alerts stage's function carries the configured rules (jobs/alerts.yaml) and is
     * serialized when the job is built. Flink still reads it as a POJO.
     */
    private static final long serialVersionUID = 1L;
    /** Previous window slots a baseline threshold may average: alert state keeps that many per key. */
    public static final int MAX_BASELINE_WINDOWS = 1000;

    @Required @Id public String ruleId;
    @Required @JsonInclude(JsonInclude.Include.ALWAYS) public long ts;
    @Required @OneOf(Dimension.class) public String dimension;
    /** Window size in ms (one of the KPI sizes). */
    @JsonProperty(value = "window", required = true)
    @JsonDeserialize(using = Window.Reader.class)
    @JsonSerialize(using = Window.Writer.class)
    public Long windowMs;
    @Required @OneOf(value = Metric.class, what = "a KPI metric") public String metric;
    /** One of {@code >}, {@code >=}, {@code <}, {@code <=}. */
    @Required @OneOf(Op.class) public String op;
    @JsonIgnore public Double thresholdValue;
    @JsonIgnore public String thresholdMetric;
    @JsonIgnore public Integer baselineWindows;
    @JsonIgnore public Double baselineFactor;
    @JsonIgnore public String minSampleMetric;
    @JsonIgnore public Double minSampleValue;
    /** The metric of the further condition {@code alsoRequire} (null: none). */
    @JsonIgnore public String alsoRequireMetric;
    /** Its operator, one of {@code >}, {@code >=}, {@code <}, {@code <=}. */
    @JsonIgnore public String alsoRequireOp;
    @JsonIgnore public Double alsoRequireValue;
    @AtLeast(1) public int forWindows = 1;
    public boolean early;
    public boolean enabled = true;

    public AlertRule() {}

    /** The fields Flink state keeps as strings, typed. */
    public Dimension dimension() {
        return Dimension.valueOf(dimension);
    }

    public Metric metric() {
        return Metric.of(metric);
    }

    public Op operator() {
        return Op.of(op);
    }

    @Override
    public long eventTime() {
        return ts;
    }

    @Override
    public String kafkaKey() {
        return ruleId;
    }

    /** The threshold as the contract writes it: a number, {"metric": NAME} or {"baseline": {...}}. */
    @JsonGetter("threshold")
    Object threshold() {
        if (thresholdValue != null) return thresholdValue;
        if (thresholdMetric == null && baselineWindows == null) return null;
        Threshold t = new Threshold();
        t.metric = thresholdMetric;
        if (baselineWindows != null) t.baseline = new Baseline(baselineWindows, baselineFactor);
        return t;
    }

    @JsonSetter("threshold")
    @JsonProperty(required = true)
    @JsonDeserialize(using = Threshold.Reader.class)
    void threshold(Threshold t) {
        thresholdValue = t.value;
        thresholdMetric = t.metric;
        baselineWindows = t.baseline == null ? null : t.baseline.windows;
        baselineFactor = t.baseline == null ? null : t.baseline.factor;
    }

    @JsonGetter("minSample")
    MinSample minSample() {
        return minSampleMetric == null ? null : new MinSample(minSampleMetric, minSampleValue);
    }

    @JsonSetter("minSample")
    void minSample(MinSample m) {
        minSampleMetric = m.metric;
        minSampleValue = m.value;
    }

    @JsonGetter("alsoRequire")
    AlsoRequire alsoRequire() {
        return alsoRequireMetric == null ? null : new AlsoRequire(alsoRequireMetric, alsoRequireOp, alsoRequireValue);
    }

    @JsonSetter("alsoRequire")
    void alsoRequire(AlsoRequire a) {
        alsoRequireMetric = a.metric;
        alsoRequireOp = a.op;
        alsoRequireValue = a.value;
    }

    /** The wire form of a threshold: a number, or an object with exactly one of metric and baseline. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    static final class Threshold {
        @JsonIgnore
        Double value;
        @OneOf(value = Metric.class, what = "a KPI metric")
        public String metric;
        public Baseline baseline;

        static final class Reader extends JsonDeserializer<Threshold> {
            private static final String FORMS =
                    "must be a number, {\"metric\": NAME} or {\"baseline\": {\"windows\": N, \"factor\": F}}";

            @Override
            public Threshold deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken().isNumeric()) {
                    Threshold t = new Threshold();
                    t.value = ctxt.readValue(p, Double.class);
                    return t;
                }
                if (!p.isExpectedStartObjectToken()) throw Problem.invalid(p, FORMS + " (got " + Values.show(p) + ")");
                // The form first: {"metric": .., "baseline": {}} is neither form, whatever its baseline says.
                JsonNode form = ctxt.readTree(p);
                if (form.hasNonNull("metric") == form.hasNonNull("baseline")) throw Problem.invalid(p, FORMS);
                try (JsonParser fields = form.traverse(p.getCodec())) {
                    fields.nextToken();
                    return ctxt.readValue(fields, Threshold.class);
                }
            }
        }
    }

    /** F x the mean of the metric over the key's N previous window slots. */
    static final class Baseline {
        @Required @AtLeast(1) @AtMost(MAX_BASELINE_WINDOWS)
        public int windows;
        @Required @AtLeast(0)
        public double factor;

        Baseline() {}

        Baseline(int windows, double factor) {
            this.windows = windows;
            this.factor = factor;
        }
    }

    /** The least value of another metric for a slot to breach. */
    static final class MinSample {
        @Required @OneOf(value = Metric.class, what = "a KPI metric")
        public String metric;
        @Required
        public double value;

        MinSample() {}

        MinSample(String metric, double value) {
            this.metric = metric;
            this.value = value;
        }
    }

    /**
     * A further condition on the same KPI record, {@code metric op value}, that must hold for a slot to breach
     * (CONTRACT section 8), e.g. clicks >= 1: the product is being promoted.
     */
    @JsonPropertyOrder({"metric", "op", "value"})
    static final class AlsoRequire {
        @Required @OneOf(value = Metric.class, what = "a KPI metric")
        public String metric;
        @Required @OneOf(Op.class)
        public String op;
        @Required
        public double value;

        AlsoRequire() {}

        AlsoRequire(String metric, String op, double value) {
            this.metric = metric;
            this.op = op;
            this.value = value;
        }
    }

    /** A window size: a duration string such as 1h, or an integer of milliseconds; longer than 0. */
    static final class Window {
        static final class Reader extends JsonDeserializer<Long> {
            @Override
            public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (!p.hasToken(JsonToken.VALUE_STRING)) return Values.integer(p, 1);
                long ms;
                try {
                    ms = Durations.parse(p.getText()).toMillis();
                } catch (IllegalArgumentException | ArithmeticException e) {
                    throw Problem.invalid(p, "must be a duration such as 1m, 1h or 1d, or an integer of milliseconds (got "
                            + Values.show(p) + ")");
                }
                if (ms <= 0) throw Problem.invalid(p, "must be longer than 0 (got " + Values.show(p) + ")");
                return ms;
            }
        }

        static final class Writer extends JsonSerializer<Long> {
            @Override
            public void serialize(Long ms, JsonGenerator g, SerializerProvider provider) throws IOException {
                g.writeString(Durations.format(Duration.ofMillis(ms)));
            }
        }
    }

    /** Records are equal when they say the same on the wire. */
    @Override
    public boolean equals(Object o) {
        return Json.same(this, o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ruleId, ts);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
