package io.tally.cli;

import picocli.CommandLine;

/**
 * Entry point of {@code target/tally-job.jar}, the cluster jar: {@code flink run target/tally-job.jar <job> --config
 * jobs/<job>.yaml}. Only the {@code run} command: the cluster provides Flink, and there is no local broker.
 */
public final class ClusterMain {
    private ClusterMain() {}

    public static void main(String[] args) throws Exception {
        CommandLine cli = new CommandLine(new RunCommand());
        int code = cli.execute(args);
        if (code != 0) throw new IllegalStateException("tally job exited with code " + code);
    }
}
