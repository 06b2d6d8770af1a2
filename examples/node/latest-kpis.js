#!/usr/bin/env node
// Prints the latest value of every KPI window in Tally's compacted KPI topic, one JSON record per line, sorted by
// Kafka key (dimension|key|windowStart|windowEnd), and exits once it has read up to the end offsets the topic had
// when it started.
//
//   npm ci && node latest-kpis.js [BOOTSTRAP_SERVERS] [TOPIC]     (defaults: $KAFKA_BOOTSTRAP_SERVERS or
//                                                                  localhost:9092, and tally.kpis)
//
// Three things every consumer of Tally's topics needs, marked below: an LZ4 codec (Tally's producers compress with
// LZ4 by default, and kafkajs ships none), read_committed, and "the last record of a key wins".
'use strict';

const { Kafka, CompressionTypes, CompressionCodecs, logLevel } = require('kafkajs');
const lz4 = require('lz4js');

// (1) LZ4: without this, kafkajs fails on the first batch with "LZ4 compression not implemented".
// Kafka's LZ4 batches are standard LZ4 frames; lz4js is a dependency-free JavaScript implementation.
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  async compress(encoder) {
    return Buffer.from(lz4.compress(encoder.buffer));
  },
  async decompress(buffer) {
    return Buffer.from(lz4.decompress(buffer));
  },
});

const brokers = (process.argv[2] || process.env.KAFKA_BOOTSTRAP_SERVERS || 'localhost:9092').split(',');
const topic = process.argv[3] || 'tally.kpis';

// Logs go to stderr so that stdout holds only the records.
const toStderr = () => ({ level, log }) => {
  process.stderr.write(`${logLevel[level] || level} ${log.message} ${JSON.stringify(log)}\n`);
};

async function main() {
  const kafka = new Kafka({ clientId: 'tally-latest-kpis', brokers, logLevel: logLevel.WARN, logCreator: toStderr });

  // Where to stop: the end of every partition now. With read_committed (kafkajs' default for ListOffsets too) that
  // is the last stable offset, so the read never waits on a transaction that is still open.
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const end = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  const pending = new Set(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => o.partition));

  const latest = new Map();
  const print = () => {
    for (const key of [...latest.keys()].sort()) process.stdout.write(latest.get(key) + '\n');
  };
  if (pending.size === 0) {
    print();
    return;
  }

  // kafkajs always joins a group; a fresh one, never committed, so every run reads the whole topic.
  const consumer = kafka.consumer({
    groupId: `tally-latest-kpis-${process.pid}-${Date.now()}`,
    readUncommitted: false, // (2) read_committed: records of aborted transactions never show up
  });

  let finish;
  const finished = new Promise((resolve) => { finish = resolve; });
  // A batch may hold only transaction markers or aborted records, which never reach eachMessage: its last offset
  // still tells how far the partition has been read.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic !== topic || !pending.has(payload.partition)) return;
    if (BigInt(payload.lastOffset) + 1n >= end.get(payload.partition)) pending.delete(payload.partition);
    if (pending.size === 0) finish();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => finish(payload.error));

  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (BigInt(message.offset) >= end.get(partition)) return; // written after we started
      const key = message.key === null ? null : message.key.toString('utf8');
      if (key === null) return; // Tally writes every KPI record with its window's key
      // (3) One record per window and update: the last one read for a key is its current value (a key's records
      // are in one partition, in the order written). A null value (a tombstone) would delete the window.
      if (message.value === null) latest.delete(key);
      else latest.set(key, message.value.toString('utf8'));
    },
  });

  const error = await finished;
  await consumer.disconnect();
  if (error) throw error;
  print();
}

main().catch((e) => {
  process.stderr.write(`latest-kpis: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
