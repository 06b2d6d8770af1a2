package io.tally.kpi;

import io.tally.attribution.Attribution;
import io.tally.event.Review;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

import java.util.List;

/**
 * Runs {@link CreditReviews} and goes idle only when it holds no review: while a review waits for the watermark, the
 * operator stays active at its watermark even if both its inputs are idle, so that the pre-aggregation downstream
 * does not pass the review's ts (it would arrive late); once nothing waits, an idle status passes on, so that sparse
 * reviews and attributions do not hold back every KPI window.
 *
 * <p>A review waits exactly while the watermark is below its ts (its timer fires then), so "something waits" is "the
 * greatest ts of a review taken is above the watermark": one long per task, kept in union operator state so that a
 * restore at any parallelism starts from the greatest of them (at worst holding a little longer than needed).
 */
public class CreditReviewsOperator extends KeyedCoProcessOperator<String, Attribution, Review, KpiInput> {
    private static final long serialVersionUID = 1L;
    private static final ListStateDescriptor<Long> LATEST_REVIEW =
            new ListStateDescriptor<>("latest-review-ts", Types.LONG);

    /** The greatest ts of a review this task has taken. */
    private transient long latestReviewTs;
    /** Both inputs idle while a review waited: downstream still sees this task active. */
    private transient boolean idleHeld;
    private transient ListState<Long> latestReviewState;

    public CreditReviewsOperator(long settlementMs) {
        super(new CreditReviews(settlementMs));
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        latestReviewState = context.getOperatorStateStore().getUnionListState(LATEST_REVIEW);
        latestReviewTs = Long.MIN_VALUE;
        for (Long ts : latestReviewState.get()) latestReviewTs = Math.max(latestReviewTs, ts);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        latestReviewState.update(List.of(latestReviewTs));
    }

    @Override
    public void processElement2(StreamRecord<Review> element) throws Exception {
        latestReviewTs = Math.max(latestReviewTs, element.getValue().ts);
        super.processElement2(element);
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        boolean wasIdle = combinedWatermark.isIdle();
        if (combinedWatermark.updateStatus(index, status.isIdle())) {
            processWatermark(new Watermark(combinedWatermark.getCombinedWatermark()));
        }
        boolean idle = combinedWatermark.isIdle();
        if (idle == wasIdle) return;
        if (idle && latestReviewTs > combinedWatermark.getCombinedWatermark()) {
            idleHeld = true;
        } else if (!idle && idleHeld) {
            idleHeld = false;
        } else {
            output.emitWatermarkStatus(idle ? WatermarkStatus.IDLE : WatermarkStatus.ACTIVE);
        }
    }
}
