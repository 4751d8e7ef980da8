/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.fabric;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fabric's own thread, when nobody gives it one. A plain scheduled executor keeps a task's
 * exception inside its future, where nobody looks: a periodic task (probe rounds, the tick) would
 * silently stop. This one logs every failed task ({@link FabricLoop} counts the inputs that fail).
 */
final class FabricExecutor extends ScheduledThreadPoolExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(FabricExecutor.class);

    FabricExecutor() {
        super(1, Thread.ofPlatform().daemon().name("cloudroam-fabric").factory());
    }

    @Override
    protected void afterExecute(final Runnable task, final Throwable thrown) {
        super.afterExecute(task, thrown);
        Throwable failure = thrown;
        if (failure == null && task instanceof Future<?> future && future.isDone()) {
            try {
                future.get();
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (CancellationException e) {
                // cancelled on purpose (a verification that got its answer)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            LOG.error("A fabric task failed; the fabric goes on with the next one", failure);
        }
    }
}
