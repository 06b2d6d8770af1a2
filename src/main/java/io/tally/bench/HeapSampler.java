package io.tally.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The most heap in use, sampled every 50 ms on a daemon thread (broker, Flink and jobs share this JVM, so it is
 * the footprint of the whole run, not of Tally alone).
 */
final class HeapSampler implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread thread;
    private volatile long peakBytes;
    private volatile boolean running = true;

    HeapSampler() {
        thread = new Thread(() -> {
            while (running) {
                long used = memory.getHeapMemoryUsage().getUsed();
                if (used > peakBytes) peakBytes = used;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "tally-bench-heap");
        thread.setDaemon(true);
        thread.start();
    }

    void reset() {
        peakBytes = memory.getHeapMemoryUsage().getUsed();
    }

    double peakMb() {
        return peakBytes / (1024.0 * 1024.0);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
