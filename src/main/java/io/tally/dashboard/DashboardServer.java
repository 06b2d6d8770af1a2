package io.tally.dashboard;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.io.Json;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The dashboard's web server: the page and the chart library from the jar, the program's state as JSON
 * ({@code GET /api/program?merchant=M}), and every change pushed as a server-sent event ({@code /api/events}).
 * Read-only; binds to the given host only.
 */
public final class DashboardServer implements AutoCloseable, TopicFeed.Listener {
    private static final Set<String> PROGRAM_PARAMETERS = Set.of("merchant");

    private final Javalin app;
    private final String host;
    private TopicFeed feed;
    private final ConcurrentLinkedQueue<SseClient> clients = new ConcurrentLinkedQueue<>();
    private volatile ProgramView view = new ProgramView();
    private volatile boolean stale = true;

    public DashboardServer(String host, int port) {
        this.host = host;
        this.app = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.staticFiles.add("/dashboard", Location.CLASSPATH);
            config.staticFiles.enableWebjars();
            config.routes.get("/api/program", this::program);
            config.routes.sse("/api/events", client -> {
                client.keepAlive();
                client.onClose(() -> clients.remove(client));
                clients.add(client);
            });
        });
    }

    public DashboardServer start() {
        app.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    /** Where a browser opens the page. */
    public String url() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    /**
     * The dashboard of the output topics that {@code config} names, served on {@code host:port} (0: any free port)
     * and fed by a {@link TopicFeed} until closed.
     */
    public static DashboardServer open(Map<String, Object> clientProperties, TallyConfig config, String host, int port) {
        DashboardServer server = new DashboardServer(host, port).start();
        server.feed = new TopicFeed(clientProperties, config.topic(Stream.KPIS), config.topic(Stream.ALERTS),
                config.topic(Stream.DEAD_LETTERS), server);
        server.feed.start();
        return server;
    }

    private void program(Context ctx) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!PROGRAM_PARAMETERS.contains(name)) {
                ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "unknown parameter '" + name
                        + "' (known: " + String.join(", ", PROGRAM_PARAMETERS) + ")"));
                return;
            }
        }
        List<String> merchants = ctx.queryParams("merchant");
        String merchant = merchants.isEmpty() ? null : merchants.get(0);
        if (merchants.size() > 1 || merchant != null && (merchant.isEmpty() || merchant.length() > 128)) {
            ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "merchant must be one merchant id of 1 to 128 characters"));
            return;
        }
        ctx.contentType("application/json").result(Json.write(new Program(stale, view.snapshot(merchant, System.currentTimeMillis()))));
    }

    /** What {@code /api/program} answers. (Public fields: written as JSON.) */
    public static final class Program {
        public final boolean stale;
        public final ProgramView.Snapshot program;

        Program(boolean stale, ProgramView.Snapshot program) {
            this.stale = stale;
            this.program = program;
        }
    }

    @Override
    public void update(ProgramView latest, boolean isStale) {
        view = latest;
        stale = isStale;
        for (SseClient client : clients) {
            if (client.terminated()) clients.remove(client);
            else client.sendEvent("changed", isStale ? "stale" : "fresh");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (feed != null) feed.close();
        app.stop();
    }
}
