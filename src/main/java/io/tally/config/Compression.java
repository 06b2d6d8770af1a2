package io.tally.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How Tally's producers compress the record batches they write ({@code kafka.compression}): Kafka's own
 * {@code compression.type} values. Consumers need the matching codec (kafkajs, for one, ships only gzip).
 */
public enum Compression {
    @JsonProperty("none") NONE,
    @JsonProperty("gzip") GZIP,
    @JsonProperty("snappy") SNAPPY,
    @JsonProperty("lz4") LZ4,
    @JsonProperty("zstd") ZSTD;

    /** The value of the producer's {@code compression.type}, also the word the job files use. */
    public String kafkaName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The word of the job files, so that error messages list what may be written. */
    @Override
    public String toString() {
        return kafkaName();
    }
}
