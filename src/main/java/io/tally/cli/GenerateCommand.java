package io.tally.cli;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.generate.FileOutput;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import io.tally.generate.KafkaOutput;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generates a seeded, deterministic simulation of an affiliate program: replay files",
                "(--output DIR, one <stream>.jsonl per input stream) or live traffic to Kafka (--kafka HOST:PORT)."})
public class GenerateCommand implements Callable<Integer> {
    static final class Target {
        @Option(names = "--output", paramLabel = "DIR", description = "Write DIR/<stream>.jsonl replay files.")
        Path output;

        @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "Produce to the topics of this Kafka cluster.")
        String kafka;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}); same seed, same data.")
    long seed;

    @Option(names = "--events", paramLabel = "N", description = "Number of records (default 100000 unless --minutes).")
    Long events;

    @Option(names = "--minutes", paramLabel = "M", description = "Simulated minutes of traffic instead of a count.")
    Long minutes;

    @Option(names = "--rate", defaultValue = "2000", paramLabel = "EVENTS_PER_S",
            description = "With --kafka: records per second of wall time (default ${DEFAULT-VALUE}; 0 = as fast as possible).")
    double rate;

    @Option(names = "--config", paramLabel = "FILE", description = "With --kafka: topics and client settings.")
    Path config;

    @Override
    public Integer call() throws Exception {
        GeneratorSettings settings = new GeneratorSettings();
        settings.seed = seed;
        Generator generator = new Generator(settings);
        if (target.output != null) {
            Map<Stream, Long> counts = minutes != null
                    ? FileOutput.write(generator, target.output, Duration.ofMinutes(minutes))
                    : FileOutput.write(generator, target.output, events == null ? 100_000 : events);
            StringBuilder line = new StringBuilder("generate:");
            counts.forEach((s, n) -> line.append(' ').append(s.wireName()).append('=').append(n));
            System.out.println(line);
            return 0;
        }
        TallyConfig cfg = Configs.load(config);
        cfg.kafka.bootstrapServers = target.kafka;
        long max = events != null ? events : minutes != null ? (long) (minutes * 60 * settings.eventsPerSimulatedSecond) : 100_000;
        try (KafkaOutput out = KafkaOutput.create(cfg)) {
            long sent = out.run(generator, max, rate);
            System.out.println("generate: sent " + sent + " records to " + target.kafka);
        }
        return 0;
    }
}
