/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.migration.Timers;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fabric's one thread: inputs ({@link FabricEvent}) queue up from any thread and are taken in
 * order, in batches; after each batch the flows are synchronised once. The executor comes from
 * outside (a test passes one whose time it controls); it must run one task at a time.
 */
final class FabricLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FabricLoop.class);

    private final ScheduledExecutorService executor;
    private final boolean ownExecutor;
    private final ConcurrentLinkedQueue<FabricEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong failures = new AtomicLong();
    private Consumer<FabricEvent> handler = event -> { };
    private Runnable afterBatch = () -> { };
    /** The thread taking inputs in right now, if any: a question asked from it is answered there. */
    private volatile Thread taking;
    private volatile boolean closed;

    /**
     * Creates a loop.
     *
     * @param executor runs the loop (one task at a time)
     * @param ownExecutor whether {@link #close()} shuts it down
     */
    FabricLoop(final ScheduledExecutorService executor, final boolean ownExecutor) {
        this.executor = requireNonNull(executor);
        this.ownExecutor = ownExecutor;
    }

    /**
     * Who takes the inputs, and what follows each batch.
     *
     * @param eventHandler handles one input
     * @param batchDone runs after each batch
     */
    void handleWith(final Consumer<FabricEvent> eventHandler, final Runnable batchDone) {
        handler = requireNonNull(eventHandler);
        afterBatch = requireNonNull(batchDone);
    }

    /**
     * Queues an input; from any thread.
     *
     * @param event the input
     */
    void post(final FabricEvent event) {
        if (closed) {
            LOG.debug("fabric closed: {} dropped", event);
            return;
        }
        queue.add(event);
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            LOG.debug("fabric closed: {} dropped", event, e);
        }
    }

    // a handler that throws must not stop the fabric: it is logged and counted, the next input comes
    @SuppressWarnings("checkstyle:IllegalCatch")
    private void drain() {
        taking = Thread.currentThread();
        try {
            int taken = 0;
            for (FabricEvent event; (event = queue.poll()) != null; taken++) {
                try {
                    if (event instanceof FabricEvent.Request<?> request) {
                        answer(request);
                    } else if (event instanceof FabricEvent.Due due) {
                        if (!due.cancelled().getAsBoolean()) {
                            handler.accept(due.event());
                        }
                    } else {
                        handler.accept(event);
                    }
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    LOG.error("The fabric failed on {}; it goes on with the next input", event, e);
                }
            }
            if (taken > 0) {
                try {
                    afterBatch.run();
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    LOG.error("The fabric failed synchronising flows; it goes on with the next input", e);
                }
            }
        } finally {
            taking = null;
        }
    }

    // whatever the work throws goes to whoever asked
    @SuppressWarnings("checkstyle:IllegalCatch")
    private static <T> void answer(final FabricEvent.Request<T> request) {
        try {
            request.answer().complete(request.work().call());
        } catch (Exception e) {
            request.answer().completeExceptionally(e);
        }
    }

    /**
     * Asks the fabric's thread and waits for its answer.
     *
     * @param what what is asked, for the message when it cannot be answered
     * @param work runs on the fabric's thread
     * @param patience how long to wait at most
     * @param <T> the answer type
     * @return the answer
     * @throws FabricUnavailableException when the fabric is closed or does not answer in time
     */
    // the work's own unchecked exceptions reach the caller as they are
    @SuppressWarnings("checkstyle:IllegalCatch")
    <T> T ask(final String what, final Callable<T> work, final Duration patience) {
        if (Thread.currentThread() == taking) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new FabricUnavailableException(what + " failed: " + e.getMessage(), e);
            }
        }
        if (closed) {
            throw new FabricUnavailableException(what + ": the fabric is closed", null);
        }
        final var answer = new CompletableFuture<T>();
        post(new FabricEvent.Request<>(work, answer));
        try {
            return answer.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FabricUnavailableException(what + ": interrupted while waiting for the fabric", e);
        } catch (TimeoutException e) {
            throw new FabricUnavailableException(what + ": the fabric did not answer within " + patience.toMillis()
                + " ms", e);
        } catch (ExecutionException e) {
            throw new FabricUnavailableException(what + " failed: " + e.getCause(), e);
        }
    }

    /**
     * Asks the fabric's thread again and again until it answers true (confirmations come from
     * other threads, so idleness is polled).
     *
     * @param what what is waited for, for the message
     * @param check runs on the fabric's thread
     * @param patience how long at most
     * @throws IllegalStateException when it did not answer true in time
     */
    void awaitTrue(final String what, final Callable<Boolean> check, final Duration patience) {
        final long deadline = System.nanoTime() + patience.toNanos();
        while (!ask(what, check, patience)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the fabric was not " + what + " within " + patience);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // poll interval
        }
    }

    /**
     * An input that arrives after a delay.
     *
     * @param delay how long from now
     * @param event the input
     * @return its deadline: cancelling it before then means it never arrives
     */
    Timers.Deadline after(final Duration delay, final FabricEvent event) {
        try {
            // cancelling after the timer fired must still keep its input from the handler
            final var cancelled = new AtomicBoolean();
            final ScheduledFuture<?> scheduled = executor.schedule(
                () -> post(new FabricEvent.Due(event, cancelled::get)), delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> {
                cancelled.set(true);
                scheduled.cancel(false);
            };
        } catch (RejectedExecutionException e) {
            LOG.debug("fabric closed: {} not scheduled", event, e);
            return () -> { };
        }
    }

    /**
     * An input that arrives again and again.
     *
     * @param initial the first delay
     * @param period the time between two
     * @param event makes the input
     * @return its deadline: cancelling it stops it
     */
    Timers.Deadline every(final Duration initial, final Duration period, final Supplier<FabricEvent> event) {
        try {
            final ScheduledFuture<?> scheduled = executor.scheduleWithFixedDelay(() -> post(event.get()),
                initial.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
            return () -> scheduled.cancel(false);
        } catch (RejectedExecutionException e) {
            LOG.debug("fabric closed: repeated input not scheduled", e);
            return () -> { };
        }
    }

    /**
     * How many inputs (or synchronisations) threw.
     *
     * @return the count
     */
    long failures() {
        return failures.get();
    }

    /**
     * Takes no more inputs; shuts its own executor down.
     */
    @Override
    public void close() {
        closed = true;
        if (!ownExecutor) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
