package io.tally.pipeline;

import io.tally.attribution.Attribution;
import io.tally.event.AlertRule;
import io.tally.kpi.Kpi;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.Order;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.View;
import io.tally.io.DeadLetter;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The input streams of the contract, parsed, validated, timestamped and deduplicated; a stream the job does not read
 * is null. Dead letters of ingestion are in {@link #deadLetters}.
 */
public class Inputs {
    public DataStream<View> views;
    public DataStream<Engagement> engagements;
    public DataStream<Click> clicks;
    public DataStream<Order> orders;
    public DataStream<OrderUpdate> orderUpdates;
    public DataStream<CommissionRule> commissionRules;
    public DataStream<Product> products;
    public DataStream<Creator> creators;
    public DataStream<Spend> spend;
    public DataStream<Review> reviews;
    public DataStream<AlertRule> alertRules;
    /** Attributions read back from their topic (the KPI job deployed on its own). */
    public DataStream<Attribution> attributions;
    /** KPI records read back from their topic (the alerts job deployed on its own). */
    public DataStream<Kpi> kpis;
    public DataStream<DeadLetter> deadLetters;
}
