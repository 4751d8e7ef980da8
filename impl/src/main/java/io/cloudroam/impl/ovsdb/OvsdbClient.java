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
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A focused OVSDB management protocol client (RFC 7047): JSON-RPC 1.0 over one TCP connection,
 * requests matched to replies by id, {@code echo} answered, {@code update} notifications handed
 * to a callback. Messages are JSON texts back to back without framing, so the reader parses one
 * value after the other from the stream. One daemon thread reads; any thread may call.
 */
public final class OvsdbClient implements AutoCloseable {
    /** The database Open vSwitch keeps its configuration in. */
    public static final String DATABASE = "Open_vSwitch";

    private static final Logger LOG = LoggerFactory.getLogger(OvsdbClient.class);

    private final Socket socket;
    private final OutputStream out;
    private final Map<String, CompletableFuture<JsonElement>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Consumer<JsonArray> onUpdate;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private OvsdbClient(final Socket socket, final Consumer<JsonArray> onUpdate) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.onUpdate = requireNonNull(onUpdate);
    }

    /**
     * Connects.
     *
     * @param host the OVSDB server's address
     * @param port its TCP port
     * @param timeoutMillis connect timeout
     * @param onUpdate receives the params of every {@code update} notification ([monitor id, table updates])
     * @return a connected client
     * @throws IOException when the server cannot be reached
     */
    public static OvsdbClient connect(final String host, final int port, final int timeoutMillis,
            final Consumer<JsonArray> onUpdate) throws IOException {
        final var socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            final var client = new OvsdbClient(socket, onUpdate);
            Thread.ofPlatform().daemon().name("cloudroam-ovsdb-" + host + ":" + port).start(client::readLoop);
            return client;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends a request.
     *
     * @param method the RFC 7047 method
     * @param params its parameters
     * @return the {@code result}, or completes exceptionally with {@link OvsdbException} on an
     *         {@code error} reply or when the connection closes first
     */
    public CompletableFuture<JsonElement> call(final String method, final JsonArray params) {
        final var id = Long.toString(ids.incrementAndGet());
        final var future = new CompletableFuture<JsonElement>();
        pending.put(id, future);
        final var request = new JsonObject();
        request.addProperty("method", method);
        request.add("params", params);
        request.addProperty("id", id);
        try {
            send(request);
        } catch (IOException e) {
            pending.remove(id);
            future.completeExceptionally(new OvsdbException("cannot send " + method + ": " + e.getMessage(), e));
        }
        if (closed.isDone()) {
            failPending();
        }
        return future;
    }

    /**
     * Completes when the connection is gone, for whatever reason.
     *
     * @return a future that never fails
     */
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing {} failed", socket, e);
        }
    }

    private synchronized void send(final JsonObject message) throws IOException {
        out.write(message.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void readLoop() {
        try (var reader = new JsonReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            // RFC 7047 messages follow each other without a separator: lenient mode reads them in turn
            reader.setStrictness(Strictness.LENIENT);
            while (reader.peek() != JsonToken.END_DOCUMENT) {
                final var message = JsonParser.parseReader(reader);
                if (message.isJsonObject()) {
                    dispatch(message.getAsJsonObject());
                } else {
                    LOG.warn("OVSDB {} sent a non-object message, ignored", socket.getRemoteSocketAddress());
                }
            }
        } catch (IOException | JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            if (!socket.isClosed()) {
                LOG.info("OVSDB connection {} lost: {}", socket.getRemoteSocketAddress(), e.getMessage());
            }
        } finally {
            close();
            closed.complete(null);
            failPending();
        }
    }

    private void dispatch(final JsonObject message) throws IOException {
        final var method = message.get("method");
        if (method != null && !method.isJsonNull()) {
            final var params = message.get("params");
            switch (method.getAsString()) {
                case "echo" -> {
                    final var reply = new JsonObject();
                    reply.add("result", params);
                    reply.add("error", JsonNull.INSTANCE);
                    reply.add("id", message.get("id"));
                    send(reply);
                }
                case "update" -> {
                    if (params != null && params.isJsonArray()) {
                        onUpdate.accept(params.getAsJsonArray());
                    }
                }
                default -> LOG.debug("OVSDB notification {} ignored", method);
            }
            return;
        }
        final var id = message.get("id");
        final var future = id == null || id.isJsonNull() ? null : pending.remove(id.getAsString());
        if (future == null) {
            return;
        }
        final var error = message.get("error");
        if (error != null && !error.isJsonNull()) {
            future.completeExceptionally(new OvsdbException("OVSDB error: " + error));
        } else {
            future.complete(message.get("result"));
        }
    }

    private void failPending() {
        for (var id : pending.keySet()) {
            final var future = pending.remove(id);
            if (future != null) {
                future.completeExceptionally(new OvsdbException("OVSDB connection closed"));
            }
        }
    }
}
