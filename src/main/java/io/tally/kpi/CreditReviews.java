package io.tally.kpi;

import io.tally.attribution.Attribution;
import io.tally.event.Review;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * Credits reviews that name an order to the creator and content of the reviewed line ({@link ReviewCredits}).
 * Keyed by orderId: input 1 the order's primary attributions, input 2 its reviews. A review waits until the watermark
 * passes its ts, when every attribution of an order placed before it has arrived, and then goes on as a KPI event.
 * <p>State: one {@link ReviewCredits} per order, cleared by an event-time timer at the end of the order's settlement
 * window (after any review it can credit) and when the last waiting review of an order without attributed lines
 * leaves: the credits span no more than the attribution job's settlement window already does.
 */
public class CreditReviews extends KeyedCoProcessFunction<String, Attribution, Review, KpiInput> {
    private static final long serialVersionUID = 1L;

    private final long settlementMs;
    private transient ValueState<ReviewCredits> state;

    public CreditReviews(long settlementMs) {
        this.settlementMs = settlementMs;
    }

    @Override
    public void open(OpenContext context) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("review-credits", ReviewCredits.class));
    }

    @Override
    public void processElement1(Attribution a, Context ctx, Collector<KpiInput> out) throws Exception {
        ReviewCredits credits = current();
        if (!credits.remember(a)) return;
        state.update(credits);
        // One past the window's end, so that reviews at its last millisecond are credited first.
        ctx.timerService().registerEventTimeTimer(a.ts + settlementMs + 1);
    }

    @Override
    public void processElement2(Review r, Context ctx, Collector<KpiInput> out) throws Exception {
        ReviewCredits credits = current();
        credits.waiting.add(r);
        state.update(credits);
        ctx.timerService().registerEventTimeTimer(r.ts);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<KpiInput> out) throws Exception {
        ReviewCredits credits = current();
        List<Review> due = new ArrayList<>();
        credits.waiting.removeIf(r -> r.ts <= timestamp && due.add(r));
        for (Review r : due) out.collect(KpiInput.of(r, credits.creditOf(r, settlementMs)));
        if (credits.orderTs != Long.MIN_VALUE && timestamp > credits.orderTs + settlementMs) credits.lines.clear();
        if (credits.isEmpty()) state.clear();
        else state.update(credits);
    }

    private ReviewCredits current() throws Exception {
        ReviewCredits c = state.value();
        return c != null ? c : new ReviewCredits();
    }
}
