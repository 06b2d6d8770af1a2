package io.tally.io;

/**
 * The raw bytes of one input record and where they came from: a Kafka record (topic, partition, offset) or a line of
 * a replay file (coordinates null). Parsing happens downstream, in a process function, so that nothing a producer
 * sends can fail a source.
 */
public class RawRecord {
    public byte[] value;
    public String topic;
    public Integer partition;
    public Long offset;

    public RawRecord() {}

    public RawRecord(byte[] value, String topic, Integer partition, Long offset) {
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    public static RawRecord ofLine(byte[] value) {
        return new RawRecord(value, null, null, null);
    }
}
