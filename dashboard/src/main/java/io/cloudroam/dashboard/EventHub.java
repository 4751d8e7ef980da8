/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.dashboard;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboards listening on {@code /cloudroam/api/events} (server-sent events): each gets the
 * whole document when it connects and again after every change, changes within
 * {@link #COALESCE_MILLIS} sent as one. One thread writes to every client, so a client's stream is
 * never written concurrently; a client whose write fails is dropped (the browser's EventSource
 * reconnects by itself).
 */
public final class EventHub implements AutoCloseable {
    /** Changes closer together than this go out as one event. */
    static final long COALESCE_MILLIS = 100;
    /** A comment line this often keeps proxies and idle timeouts from closing the stream. */
    static final long HEARTBEAT_SECONDS = 15;
    /** Open streams allowed at once; more get 503 (each holds a request thread's async context). */
    static final int MAX_CLIENTS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

    private final Set<AsyncContext> clients = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("cloudroam-dashboard-events").factory());
    private final Supplier<String> document;

    /**
     * Creates a hub sending {@code document}'s current value.
     *
     * @param document the JSON document, read on the writer thread
     */
    public EventHub(final Supplier<String> document) {
        this.document = requireNonNull(document);
        writer.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Adds a client and sends it the current document.
     *
     * @param context the client's started async context
     * @return false when the hub is full (the caller answers 503)
     */
    public boolean add(final AsyncContext context) {
        if (clients.size() >= MAX_CLIENTS) {
            return false;
        }
        context.setTimeout(0);
        context.addListener(new AsyncListener() {
            @Override
            public void onComplete(final AsyncEvent event) {
                clients.remove(context);
            }

            @Override
            public void onTimeout(final AsyncEvent event) {
                drop(context);
            }

            @Override
            public void onError(final AsyncEvent event) {
                drop(context);
            }

            @Override
            public void onStartAsync(final AsyncEvent event) {
                // nothing to do
            }
        });
        clients.add(context);
        writer.execute(() -> send(context, "event: state\ndata: " + document.get() + "\n\n"));
        return true;
    }

    /**
     * Something the document shows changed: every client gets the new document soon.
     */
    public void changed() {
        if (pending.compareAndSet(false, true)) {
            writer.schedule(() -> {
                pending.set(false);
                final var frame = "event: state\ndata: " + document.get() + "\n\n";
                clients.forEach(client -> send(client, frame));
            }, COALESCE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * How many clients are connected.
     *
     * @return the count
     */
    public int clients() {
        return clients.size();
    }

    private void heartbeat() {
        clients.forEach(client -> send(client, ": keep-alive\n\n"));
    }

    private void send(final AsyncContext context, final String frame) {
        if (!clients.contains(context)) {
            return;
        }
        try {
            final var out = context.getResponse().getOutputStream();
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | IllegalStateException e) {
            LOG.debug("dashboard event stream closed", e);
            drop(context);
        }
    }

    private void drop(final AsyncContext context) {
        if (clients.remove(context)) {
            try {
                context.complete();
            } catch (IllegalStateException e) {
                LOG.trace("stream already completed", e);
            }
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
        clients.forEach(this::drop);
    }
}
