package io.tally.cli;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.pipeline.Replay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Runs the whole pipeline, bounded, over IN/<stream>.jsonl (a missing file is an empty stream)",
                "and writes OUT/attributions.jsonl, attributions-shadow.jsonl, kpis.jsonl (final records only),",
                "alerts.jsonl and dead-letters.jsonl, sorted, independent of parallelism."})
public class ReplayCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "IN", description = "Directory of <stream>.jsonl files.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT", description = "Directory for the output files.")
    Path output;

    @Option(names = "--config", paramLabel = "FILE", description = "A jobs/*.yaml configuration (defaults otherwise).")
    Path config;

    @Option(names = "--parallelism", defaultValue = "0", paramLabel = "N",
            description = "Operator parallelism (default: the configuration's, else the number of cores).")
    int parallelism;

    @Option(names = "--now", paramLabel = "EPOCH_MS",
            description = "Arrival time of every record, in epoch milliseconds (default: the wall clock at start); "
                    + "a record stamped more than time.maxFutureSkew later is a FUTURE dead letter.")
    Long now;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(input)) {
            throw new IllegalArgumentException("--input " + input + " is not a directory");
        }
        TallyConfig cfg = Configs.load(config);
        Map<Stream, Long> counts = Replay.run(input, output, cfg, parallelism,
                now != null ? now : System.currentTimeMillis());
        StringBuilder line = new StringBuilder("replay:");
        counts.forEach((s, n) -> line.append(' ').append(s.wireName()).append('=').append(n));
        System.out.println(line);
        return 0;
    }
}
