package io.tally.attribution;

import io.tally.core.DeadLetters;
import io.tally.core.NeverIdle;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Order;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.View;
import io.tally.io.DeadLetter;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The attribution job as a function from input streams to output streams (sources and sinks are the caller's):
 * clicks, views and orders meet keyed by user in {@link AttributeOrderLines}, with rules, products and creators
 * broadcast; cancels and refunds meet the attributed lines keyed by order in {@link ReverseOrderLines}.
 */
public final class AttributionTopology {
    private AttributionTopology() {}

    /** What the attribution job writes. */
    public static final class Outputs {
        /** Primary-model attributions and their reversals (tally.attributions). */
        public final DataStream<Attribution> attributions;
        /** Shadow-model attributions and their reversals (tally.attributions-shadow). */
        public final DataStream<Attribution> shadow;
        public final DataStream<DeadLetter> deadLetters;

        Outputs(DataStream<Attribution> attributions, DataStream<Attribution> shadow, DataStream<DeadLetter> deadLetters) {
            this.attributions = attributions;
            this.shadow = shadow;
            this.deadLetters = deadLetters;
        }
    }

    /** The streams attribution reads: the shoppers' clicks, views, orders and updates, and the reference data. */
    public record Inputs(DataStream<View> views, DataStream<Click> clicks, DataStream<Order> orders,
                         DataStream<OrderUpdate> orderUpdates, DataStream<CommissionRule> commissionRules,
                         DataStream<Product> products, DataStream<Creator> creators) {}

    public static Outputs build(Inputs in, AttributionSettings settings) {
        DataStream<UserActivity> activity = in.clicks().map(UserActivity::of).returns(UserActivity.class)
                .name("Click activity").uid("activity-clicks")
                .union(in.views().map(UserActivity::of).returns(UserActivity.class).name("View activity").uid("activity-views"),
                        in.orders().map(UserActivity::of).returns(UserActivity.class).name("Order activity").uid("activity-orders"));
        BroadcastStream<ReferenceData> reference = in.commissionRules().map(ReferenceData::of).returns(ReferenceData.class)
                .name("Rule versions").uid("reference-rules")
                .union(in.products().map(ReferenceData::of).returns(ReferenceData.class).name("Product versions").uid("reference-products"),
                        in.creators().map(ReferenceData::of).returns(ReferenceData.class).name("Creator versions").uid("reference-creators"))
                .broadcast(AttributeOrderLines.RULES, AttributeOrderLines.PRODUCTS, AttributeOrderLines.CREATORS);

        SingleOutputStreamOperator<Attribution> attributed = activity
                .keyBy(UserActivity::userId, Types.STRING)
                .connect(reference)
                .process(new AttributeOrderLines(settings))
                .returns(Attribution.class)
                .uid("attribute-order-lines").name("Attribute order lines");
        // Attributions and reversals wait for the watermark: what follows must not pass them (see NeverIdle).
        DataStream<Attribution> primary = NeverIdle.after(attributed, "hold-attributions");
        DataStream<Attribution> shadow = NeverIdle.after(attributed.getSideOutput(AttributeOrderLines.SHADOW),
                "hold-attributions-shadow");

        SingleOutputStreamOperator<Attribution> reversals = primary.union(shadow)
                .keyBy(a -> a.orderId, Types.STRING)
                .connect(in.orderUpdates().keyBy(u -> u.orderId, Types.STRING))
                .process(new ReverseOrderLines(settings))
                .returns(Attribution.class)
                .uid("reverse-order-lines").name("Reverse cancelled and refunded lines");

        DataStream<Attribution> reversed = NeverIdle.after(reversals, "hold-reversals");
        return new Outputs(
                primary.union(reversed),
                shadow.union(reversals.getSideOutput(AttributeOrderLines.SHADOW)),
                attributed.getSideOutput(DeadLetters.TAG).union(reversals.getSideOutput(DeadLetters.TAG)));
    }
}
