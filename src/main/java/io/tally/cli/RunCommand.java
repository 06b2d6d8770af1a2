package io.tally.cli;

import io.tally.config.TallyConfig;
import io.tally.pipeline.Environments;
import io.tally.pipeline.Ingest;
import io.tally.pipeline.Job;
import io.tally.pipeline.KafkaSinks;
import io.tally.pipeline.TallyPipeline;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs one job against Kafka: attribution, kpis or alerts.",
                "Launched by `flink run target/tally-job.jar <job> --config ...` it runs on that Flink cluster",
                "(Flink's own configuration first, the YAML on top); with `java -jar target/tally.jar run` it runs",
                "in an in-process Flink MiniCluster."})
public class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB", description = "attribution, kpis or alerts")
    String job;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "jobs/<job>.yaml")
    Path config;

    @Override
    public Integer call() throws Exception {
        Job which = parseJob(job);
        TallyConfig cfg = Configs.load(config);
        StreamExecutionEnvironment env = Environments.create(cfg, Environments.Mode.CLUSTER);
        build(env, which, cfg);
        env.execute(cfg.job.name);
        return 0;
    }

    static Job parseJob(String name) {
        try {
            Job j = Job.ofName(name);
            if (j != Job.ALL) return j;
        } catch (IllegalArgumentException ignored) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("unknown job '" + name + "' (expected attribution, kpis or alerts)");
    }

    /** The job's graph with Kafka sources and sinks. */
    public static void build(StreamExecutionEnvironment env, Job job, TallyConfig cfg) {
        TallyPipeline.build(job, Ingest.kafka(env, cfg, false), cfg, true)
                .writeTo(new KafkaSinks(cfg));
    }
}
