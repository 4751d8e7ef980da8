/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.mdsal;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.MoreExecutors;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.binding.api.TransactionChain;
import org.opendaylight.mdsal.binding.api.WriteTransaction;
import org.opendaylight.mdsal.common.api.CommitInfo;
import org.opendaylight.yangtools.yang.common.Empty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes through one merging transaction chain, so that one writer's transactions are applied in
 * order and never conflict with each other (separate transactions that each create the same
 * parent structure do). A failed chain is replaced on the next write.
 */
public final class ChainedWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChainedWriter.class);

    private final DataBroker dataBroker;
    private final String name;
    // guarded by this
    private TransactionChain chain;

    /**
     * Creates one.
     *
     * @param dataBroker the binding data broker
     * @param name what it writes, for logs
     */
    public ChainedWriter(final DataBroker dataBroker, final String name) {
        this.dataBroker = requireNonNull(dataBroker);
        this.name = requireNonNull(name);
    }

    /**
     * Fills one transaction and commits it.
     *
     * @param what a description for logs
     * @param body puts and deletes
     * @return completes when the transaction committed, exceptionally when it failed
     */
    public synchronized CompletableFuture<Void> write(final String what, final Consumer<WriteTransaction> body) {
        if (chain == null) {
            final var fresh = dataBroker.createMergingTransactionChain();
            fresh.addCallback(new FutureCallback<Empty>() {
                @Override
                public void onSuccess(final Empty result) {
                    LOG.debug("{} chain closed", name);
                }

                @Override
                public void onFailure(final Throwable cause) {
                    LOG.warn("{} chain failed, a new one will be used", name, cause);
                    forget(fresh);
                }
            });
            chain = fresh;
        }
        final var tx = chain.newWriteOnlyTransaction();
        body.accept(tx);
        final var done = new CompletableFuture<Void>();
        tx.commit().addCallback(new FutureCallback<CommitInfo>() {
            @Override
            public void onSuccess(final CommitInfo result) {
                LOG.trace("{}: {} committed", name, what);
                done.complete(null);
            }

            @Override
            public void onFailure(final Throwable cause) {
                LOG.warn("{}: {} failed", name, what, cause);
                done.completeExceptionally(cause);
            }
        }, MoreExecutors.directExecutor());
        return done;
    }

    private synchronized void forget(final TransactionChain failed) {
        if (chain == failed) {
            chain = null;
        }
    }

    @Override
    public synchronized void close() {
        if (chain != null) {
            chain.close();
            chain = null;
        }
    }
}
