/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduled executor whose time moves only when the test says ({@link #advance}): tasks run on
 * the caller's thread, one at a time, as soon as they are due (a task submitted while another
 * runs comes after it). Deterministic: what a test sees depends on nothing but its own steps.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final PriorityQueue<Timed> timed = new PriorityQueue<>();
    private long now;
    private long sequence;
    private boolean running;
    private boolean shutdown;

    /** A task waiting for its time. */
    private final class Timed implements ScheduledFuture<Object> {
        private final Runnable task;
        private final long period;
        private final long order = sequence++;
        private long due;
        private boolean cancelled;
        private boolean done;

        Timed(final Runnable task, final long due, final long period) {
            this.task = task;
            this.due = due;
            this.period = period;
        }

        @Override
        public long getDelay(final TimeUnit unit) {
            return unit.convert(due - now, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(final Delayed other) {
            final var that = (Timed) other;
            return due != that.due ? Long.compare(due, that.due) : Long.compare(order, that.order);
        }

        @Override
        public boolean cancel(final boolean mayInterrupt) {
            final boolean was = !cancelled && !done;
            cancelled = true;
            timed.remove(this);
            return was;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(final long timeout, final TimeUnit unit) {
            return null;
        }
    }

    /**
     * Moves time on, running every task that falls due meanwhile, in time order.
     *
     * @param duration how far
     */
    public void advance(final Duration duration) {
        final long target = now + duration.toNanos();
        for (var next = timed.peek(); next != null && next.due <= target; next = timed.peek()) {
            timed.poll();
            now = Math.max(now, next.due);
            fire(next);
        }
        now = target;
    }

    /**
     * The time: nanoseconds since this scheduler was made.
     *
     * @return the time
     */
    public long nanoTime() {
        return now;
    }

    /**
     * Whether no task waits, ready or timed (periodic tasks aside).
     *
     * @return true when nothing is queued to run now
     */
    public boolean idle() {
        return ready.isEmpty() && timed.stream().noneMatch(task -> task.due <= now);
    }

    private void fire(final Timed task) {
        if (task.cancelled) {
            return;
        }
        if (task.period > 0) {
            task.due = now + task.period;
            timed.add(task);
        } else {
            task.done = true;
        }
        execute(task.task);
    }

    @Override
    public void execute(final Runnable command) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }
        ready.add(command);
        if (running) {
            return; // after the running task
        }
        running = true;
        try {
            while (true) {
                final var task = ready.poll();
                if (task != null) {
                    task.run();
                    continue;
                }
                final var due = timed.peek();
                if (due == null || due.due > now) {
                    break;
                }
                timed.poll();
                fire(due);
            }
        } finally {
            running = false;
        }
    }

    @Override
    public ScheduledFuture<?> schedule(final Runnable command, final long delay, final TimeUnit unit) {
        return add(command, unit.toNanos(delay), 0);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(final Callable<V> callable, final long delay, final TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the fabric");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(final Runnable command, final long initialDelay, final long period,
            final TimeUnit unit) {
        return add(command, unit.toNanos(initialDelay), unit.toNanos(period));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(final Runnable command, final long initialDelay,
            final long delay, final TimeUnit unit) {
        return add(command, unit.toNanos(initialDelay), unit.toNanos(delay));
    }

    private Timed add(final Runnable command, final long delay, final long period) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }
        final var task = new Timed(command, now + Math.max(0, delay), period);
        timed.add(task);
        if (delay <= 0 && !running) {
            execute(() -> { });
        }
        return task;
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        final var left = List.<Runnable>copyOf(ready);
        ready.clear();
        timed.clear();
        return left;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && ready.isEmpty();
    }

    @Override
    public boolean awaitTermination(final long timeout, final TimeUnit unit) {
        return isTerminated();
    }
}
