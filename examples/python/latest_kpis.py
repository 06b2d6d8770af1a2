#!/usr/bin/python3
"""Prints the latest value of every KPI window in Tally's compacted KPI topic.

One JSON record per line, sorted by Kafka key (dimension|key|windowStart|windowEnd); exits once it has read up to
the end offsets the topic had when it started.

    /usr/bin/python3 latest_kpis.py [BOOTSTRAP_SERVERS] [TOPIC]
        defaults: $KAFKA_BOOTSTRAP_SERVERS or localhost:9092, and tally.kpis

Uses confluent-kafka (Debian: python3-confluent-kafka; PyPI: confluent-kafka), whose librdkafka decompresses LZ4,
Tally's producers' default, by itself.
"""
import os
import sys
import uuid

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

TIMEOUT_S = 10.0


def latest_values(bootstrap, topic):
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "tally-latest-kpis-" + uuid.uuid4().hex,  # required by the client; nothing is committed
        "enable.auto.commit": False,
        "isolation.level": "read_committed",  # records of aborted transactions never show up
        "enable.partition.eof": True,          # says when a partition has nothing more to read
    })
    try:
        metadata = consumer.list_topics(topic, timeout=TIMEOUT_S).topics[topic]
        if metadata.error is not None:
            raise KafkaException(metadata.error)
        # Where to stop: the end of every partition now, so that the read ends even while Tally keeps writing.
        end = {}
        for p in metadata.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=TIMEOUT_S)
            if high > low:
                end[p] = high
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in end])

        latest = {}
        pending = set(end)
        while pending:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error() is not None:
                # End of a partition: only transaction markers or aborted records may lie between the last record
                # and the end offset seen at the start, and the client skips those.
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    pending.discard(msg.partition())
                    continue
                raise KafkaException(msg.error())
            p = msg.partition()
            if msg.offset() >= end[p]:  # written after we started
                pending.discard(p)
                continue
            if msg.offset() + 1 >= end[p]:
                pending.discard(p)
            if msg.key() is None:
                continue  # Tally writes every KPI record with its window's key
            key = msg.key().decode("utf-8")
            # One record per window and update: the last one read for a key is its current value (a key's records
            # are in one partition, in the order written). A null value (a tombstone) would delete the window.
            if msg.value() is None:
                latest.pop(key, None)
            else:
                latest[key] = msg.value().decode("utf-8")
        return latest
    finally:
        consumer.close()


def main(argv):
    bootstrap = argv[1] if len(argv) > 1 else os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")
    topic = argv[2] if len(argv) > 2 else "tally.kpis"
    latest = latest_values(bootstrap, topic)
    for key in sorted(latest):
        sys.stdout.write(latest[key] + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
