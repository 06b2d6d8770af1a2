#!/usr/bin/env bash
# Creates every topic of jobs/*.yaml (the `topics:` sections) on the compose stack's broker, once.
# The KPI topic is compacted: its key is the window's upsert key, so compaction keeps one latest record per window.
# Input topics stamp each record with the broker's append time (LogAppendTime): a record's ts more than
# time.maxFutureSkew ahead of it is a FUTURE dead letter, which a producer setting CreateTime to the ts would void.
# ComposeFileTest checks that this list and jobs/*.yaml agree.
set -euo pipefail
bootstrap="${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"
partitions="${PARTITIONS:-2}"
inputs=(
  tally.views tally.engagements tally.clicks tally.orders tally.order-updates tally.spend tally.reviews
  tally.commission-rules tally.products tally.creators tally.alert-rules
)
topics=(tally.attributions tally.attributions-shadow tally.alerts tally.dead-letters)
compacted=(tally.kpis)
for t in "${inputs[@]}"; do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$t" --partitions "$partitions" --replication-factor 1 --config message.timestamp.type=LogAppendTime
done
for t in "${topics[@]}"; do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$t" --partitions "$partitions" --replication-factor 1
done
for t in "${compacted[@]}"; do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$t" --partitions "$partitions" --replication-factor 1 --config cleanup.policy=compact
done
echo "topics: $(/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --list | tr '\n' ' ')"
