/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.ovsdb;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one cloud's OVSDB connection up: connects, monitors the Bridge, Port and Interface
 * tables, hands every new {@link SwitchView} to a callback, and reconnects with a back-off when
 * the server goes away. Transactions go through {@link #transact}.
 */
public final class OvsdbSession implements OvsdbLink {
    private static final Logger LOG = LoggerFactory.getLogger(OvsdbSession.class);
    private static final String MONITOR_ID = "cloudroam";
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Map<String, List<String>> MONITORED = Map.of(
        "Bridge", List.of("name", "datapath_id", "ports"),
        "Port", List.of("name", "interfaces"),
        "Interface", List.of("name", "type", "ofport", "external_ids", "options", "bfd", "bfd_status", "link_state"));

    private final String host;
    private final int port;
    private final Consumer<SwitchView> onView;
    private final OvsdbTables tables = new OvsdbTables();
    private final Thread thread;
    // updates that arrive between the monitor reply and the moment run() applied it; guarded by tables
    private final List<JsonObject> early = new ArrayList<>();
    private boolean monitoring;
    private volatile OvsdbClient client;
    private volatile boolean closed;

    /**
     * Starts connecting in the background.
     *
     * @param host OVSDB server address
     * @param port OVSDB server port
     * @param onView receives every new view, from the session's threads, in order;
     *        {@link SwitchView#EMPTY} when the connection is lost
     */
    public OvsdbSession(final String host, final int port, final Consumer<SwitchView> onView) {
        this.host = requireNonNull(host);
        this.port = port;
        this.onView = requireNonNull(onView);
        thread = Thread.ofPlatform().daemon().name("cloudroam-ovsdb-session-" + host + ":" + port)
            .start(this::run);
    }

    /**
     * The endpoint, for logs.
     *
     * @return host:port
     */
    public String endpoint() {
        return host + ":" + port;
    }

    /**
     * Runs a transaction and checks every operation's result.
     *
     * @param params the {@code transact} params: database name, then operations
     * @return completes with the results, or exceptionally with {@link OvsdbException}
     */
    @Override
    public CompletableFuture<JsonArray> transact(final JsonArray params) {
        final var current = client;
        if (current == null) {
            return CompletableFuture.failedFuture(new OvsdbException("OVSDB " + endpoint() + " is not connected"));
        }
        return current.call("transact", params).thenApply(result -> checked(result, params));
    }

    private static JsonArray checked(final JsonElement result, final JsonArray params) {
        if (result == null || !result.isJsonArray()) {
            throw new CompletionException(new OvsdbException("transact returned " + result));
        }
        for (var outcome : result.getAsJsonArray()) {
            if (outcome != null && outcome.isJsonObject() && outcome.getAsJsonObject().has("error")) {
                throw new CompletionException(new OvsdbException("transaction failed: " + outcome + " in "
                    + params));
            }
        }
        return result.getAsJsonArray();
    }

    private void run() {
        var backoff = MIN_BACKOFF;
        while (!closed) {
            try (var connected = OvsdbClient.connect(host, port, CONNECT_TIMEOUT_MS, this::onUpdate)) {
                final var initial = connected.call("monitor", monitorRequest()).get();
                synchronized (tables) {
                    tables.clear();
                    tables.apply(initial.getAsJsonObject());
                    early.forEach(tables::apply);
                    early.clear();
                    monitoring = true;
                    client = connected;
                    onView.accept(SwitchView.of(tables));
                }
                LOG.info("OVSDB {} connected and monitored", endpoint());
                backoff = MIN_BACKOFF;
                connected.closeFuture().get();
            } catch (IOException | ExecutionException | IllegalStateException e) {
                if (!closed) {
                    LOG.debug("OVSDB {} unavailable: {}", endpoint(), e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (tables) {
                monitoring = false;
                early.clear();
            }
            if (client != null) {
                client = null;
                if (!closed) {
                    LOG.warn("OVSDB {} disconnected, reconnecting", endpoint());
                    onView.accept(SwitchView.EMPTY);
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private void onUpdate(final JsonArray params) {
        if (params.size() < 2 || !params.get(1).isJsonObject()) {
            return;
        }
        synchronized (tables) {
            if (monitoring) {
                tables.apply(params.get(1).getAsJsonObject());
                onView.accept(SwitchView.of(tables));
            } else {
                early.add(params.get(1).getAsJsonObject());
            }
        }
    }

    private static JsonArray monitorRequest() {
        final var requests = new JsonObject();
        MONITORED.forEach((table, columns) -> {
            final var request = new JsonObject();
            final var list = new JsonArray();
            columns.forEach(list::add);
            request.add("columns", list);
            requests.add(table, request);
        });
        final var params = new JsonArray();
        params.add(OvsdbClient.DATABASE);
        params.add(MONITOR_ID);
        params.add(requests);
        return params;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        final var current = client;
        if (current != null) {
            current.close();
        }
    }
}
