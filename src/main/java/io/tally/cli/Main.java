package io.tally.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar target/tally.jar <command>}: the self-contained CLI. Every command has {@code --help}.
 */
@Command(name = "tally", mixinStandardHelpOptions = true, version = "tally 0.2.0",
        description = "Real-time attribution and KPIs for creator-affiliate commerce, on Flink and Kafka.",
        subcommands = {LocalCommand.class, DashboardCommand.class, AlertmanagerCommand.class, ReplayCommand.class,
                GenerateCommand.class, RunCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Our own shutdown hook stops `local` cleanly; log4j's would only print a warning when a logger is first
        // created during shutdown.
        if (System.getProperty("log4j2.shutdownHookEnabled") == null) {
            System.setProperty("log4j2.shutdownHookEnabled", "false");
        }
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Expected failures (bad configuration, missing input) print one clear line, not a stack trace.
            commandLine.getErr().println("tally: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
