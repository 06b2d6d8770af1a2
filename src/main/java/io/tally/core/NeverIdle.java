package io.tally.core;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Passes records and watermarks on, but never an idle status: placed behind an operator that holds records until
 * the watermark passes them (pending orders, open windows, pre-aggregated partials), it keeps that operator's
 * watermark in force downstream while its inputs are idle.
 *
 * <p>Why: when every input of such an operator goes idle (its partitions caught up and silent), Flink forwards the
 * idle status, and an operator further down then follows the watermark of its other inputs alone, or of a sibling
 * subtask, past the records the idle one still holds: once released they arrive late, and a window closes without
 * them. Held instead, the watermark waits for those records; it moves again as soon as an input has news. Sources,
 * and operators that hold nothing, still go idle, so that a silent partition or a sparse stream stops holding back
 * the others.
 */
public final class NeverIdle<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;

    /** {@code records}, whose producer's watermark holds downstream even while its inputs are idle. */
    public static <T> SingleOutputStreamOperator<T> after(DataStream<T> records, String uid) {
        SingleOutputStreamOperator<T> held = records.transform("Hold event time (" + uid + ")", records.getType(),
                new NeverIdle<T>()).uid(uid);
        held.setParallelism(records.getParallelism());
        return held;
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        output.collect(element);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        // Swallowed: downstream sees this stream active, at its last watermark.
    }
}
