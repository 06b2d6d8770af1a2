package io.tally.core;

import io.tally.event.Stream;
import io.tally.io.DeadLetter;
import io.tally.io.DeadLetterReason;
import io.tally.io.Json;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The dead-letter side output every operator writes to, and dead letters for records already parsed. */
public final class DeadLetters {
    /** One tag for every operator: a side output is identified by its id and type. */
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private DeadLetters() {}

    /**
     * A dead letter for a record rejected after parsing (duplicate, late, unusable update): the payload is the
     * record written back as JSON; Kafka coordinates are not carried that far and stay null.
     */
    public static DeadLetter of(Stream stream, DeadLetterReason reason, String detail, Object record) {
        return new DeadLetter(stream.wireName(), reason, detail, Json.write(record), null, null, null);
    }
}
