package io.tally.alert;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code alerts} section of a job's configuration. Field names are the YAML keys. */
public class AlertSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * Rules in force from the start, each written like a record of the alert-rules stream (CONTRACT section 5),
     * e.g. {@code {ruleId: cpa-above-margin, dimension: CREATOR, window: 1h, metric: cpa, op: ">",
     * threshold: {metric: marginPerOrder}, minSample: {metric: attributedOrders, value: 5}}}.
     */
    public List<Map<String, Object>> rules = new ArrayList<>();
}
