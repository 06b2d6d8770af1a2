package io.tally.kpi;

import io.tally.attribution.Attribution;
import io.tally.core.NeverIdle;
import io.tally.event.Click;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.Product;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.View;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.time.Duration;

/**
 * The KPI job as a function from streams to streams: events and attributions are pre-aggregated per task as the
 * watermark passes them ({@link KpiPreAggregator}), summed per window keyed by {@code dimension|key}
 * ({@link KpiWindows}), and completed with gmvShare keyed by window ({@link GmvShare}).
 */
public final class KpiTopology {
    private KpiTopology() {}

    /**
     * The streams the KPIs count, and the reference data they need.
     *
     * @param attributions primary-model attributions and reversals, partitioned so that all records of one order (and
     *                     of one update) reach the same task: straight from the attribution operators, or from the
     *                     attributions topic (keyed by orderId) read at the same parallelism
     */
    public record Inputs(DataStream<View> views, DataStream<Engagement> engagements, DataStream<Click> clicks,
                         DataStream<Spend> spend, DataStream<Attribution> attributions, DataStream<Review> reviews,
                         DataStream<Creator> creators, DataStream<Product> products) {}

    /** @param settlementWindow how long after an order a review of it is credited to its creator (CONTRACT section 8) */
    public static DataStream<Kpi> build(Inputs in, KpiSettings settings, Duration settlementWindow) {
        long[] sizes = settings.windows.stream().mapToLong(Duration::toMillis).toArray();
        DataStream<KpiInput> events = in.views().map(KpiInput::of).returns(KpiInput.class).name("View events").uid("kpi-views")
                .union(in.engagements().map(KpiInput::of).returns(KpiInput.class).name("Engagement events").uid("kpi-engagements"),
                        in.clicks().map(KpiInput::of).returns(KpiInput.class).name("Click events").uid("kpi-clicks"),
                        in.spend().map(KpiInput::of).returns(KpiInput.class).name("Spend events").uid("kpi-spend"),
                        in.attributions().map(KpiInput::of).returns(KpiInput.class).name("Attribution events").uid("kpi-attributions"),
                        reviews(in, settlementWindow));
        DataStream<ReferenceVersion> reference = in.creators().map(ReferenceVersion::of).returns(ReferenceVersion.class)
                .name("Creator versions").uid("kpi-creator-versions")
                .union(in.products().map(ReferenceVersion::of).returns(ReferenceVersion.class)
                        .name("Product versions").uid("kpi-product-versions"));
        DataStream<Kpi> partials = events.connect(reference.broadcast())
                .transform("Pre-aggregate KPIs", TypeInformation.of(Kpi.class), new KpiPreAggregator(sizes, preAggregationFlushMs(settings)))
                .uid("kpi-pre-aggregate");
        // Each stage holds records until the watermark passes them: what follows must not pass them (see NeverIdle).
        partials = NeverIdle.after(partials, "hold-kpi-partials");
        DataStream<Kpi> windows = partials.keyBy(KpiWindows::keyOf, Types.STRING)
                .connect(in.products().keyBy(KpiWindows::keyOf, Types.STRING))
                .process(new KpiWindows(settings.updateInterval.toMillis()))
                .returns(Kpi.class)
                .uid("kpi-windows").name("KPI windows");
        windows = NeverIdle.after(windows, "hold-kpi-windows");
        return NeverIdle.after(windows.keyBy(GmvShare::keyOf, Types.STRING)
                .process(new GmvShare())
                .returns(Kpi.class)
                .uid("kpi-gmv-share").name("GMV share"), "hold-kpi-gmv-share");
    }

    /**
     * Reviews as KPI events: those naming an order meet its attributed lines keyed by orderId ({@link CreditReviews});
     * the others count on ALL, MERCHANT and PRODUCT at once.
     */
    private static DataStream<KpiInput> reviews(Inputs in, Duration settlementWindow) {
        DataStream<KpiInput> credited = in.attributions().keyBy(a -> a.orderId, Types.STRING)
                .connect(in.reviews().filter(r -> r.orderId != null).name("Reviews of an order").uid("kpi-reviews-of-orders")
                        .keyBy(r -> r.orderId, Types.STRING))
                .transform("Credit reviews", TypeInformation.of(KpiInput.class),
                        new CreditReviewsOperator(settlementWindow.toMillis()))
                .uid("kpi-credit-reviews");
        return credited.union(in.reviews().filter(r -> r.orderId == null).name("Reviews without an order")
                .uid("kpi-reviews-without-order")
                .map(r -> KpiInput.of(r, null)).returns(KpiInput.class).name("Review events").uid("kpi-reviews"));
    }

    /**
     * How long a partial may wait in the pre-aggregation: half the update interval, at most 5 s. The contract bounds
     * how often a window is rewritten (at most once per update interval), not how fresh a rewrite is; waiting half an
     * interval keeps an event's contribution within 1.5 update intervals of the topic while a busy task sends each
     * window a few times per interval instead of once per watermark.
     */
    static long preAggregationFlushMs(KpiSettings settings) {
        return Math.max(1, Math.min(5_000, settings.updateInterval.toMillis() / 2));
    }
}
