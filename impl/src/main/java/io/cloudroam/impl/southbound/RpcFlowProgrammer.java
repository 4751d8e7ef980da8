/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.southbound;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.cloudroam.impl.fabric.FlowProgrammer;
import io.cloudroam.impl.flow.FlowSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.opendaylight.mdsal.binding.api.RpcService;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.tables.table.Flow;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.service.rev130819.AddFlow;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.service.rev130819.AddFlowInputBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.service.rev130819.RemoveFlow;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.service.rev130819.RemoveFlowInputBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.transaction.rev150304.SendBarrier;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.transaction.rev150304.SendBarrierInputBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.NodeRef;
import org.opendaylight.yangtools.yang.common.RpcResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Programs flows with the OpenFlow plugin's flow RPCs and closes every batch with a barrier, whose
 * reply means the switch has processed all of it. Nothing is kept in the datastore: a
 * reconnecting switch is not re-programmed by the plugin.
 */
public final class RpcFlowProgrammer implements FlowProgrammer {
    private static final Logger LOG = LoggerFactory.getLogger(RpcFlowProgrammer.class);

    private final RpcService rpcService;

    /**
     * Creates one.
     *
     * @param rpcService where the OpenFlow plugin's RPCs are found
     */
    public RpcFlowProgrammer(final RpcService rpcService) {
        this.rpcService = requireNonNull(rpcService);
    }

    @Override
    public Confirmations apply(final long datapathId, final Collection<FlowSpec> upserts,
            final Collection<FlowSpec> removals) {
        return Confirmations.of(send(datapathId,
            upserts.stream().map(flow -> FlowConverter.toFlow(datapathId, flow)).toList(),
            removals.stream().map(flow -> FlowConverter.toFlow(datapathId, flow)).toList()));
    }

    /**
     * Sends flow-mods (removals first), then a barrier.
     *
     * @param datapathId the switch
     * @param adds flows to add or replace
     * @param removes flows to remove (strictly: by match and priority)
     * @return completes at the barrier reply, exceptionally when a flow-mod or the barrier failed
     */
    CompletableFuture<Void> send(final long datapathId, final Collection<Flow> adds, final Collection<Flow> removes) {
        final var done = new CompletableFuture<Void>();
        if (adds.isEmpty() && removes.isEmpty()) {
            done.complete(null);
            return done;
        }
        final long started = System.nanoTime();
        final var node = new NodeRef(FrmFlowProgrammer.node(datapathId));
        final var sent = new ArrayList<ListenableFuture<? extends RpcResult<?>>>();
        final var remove = rpcService.getRpc(RemoveFlow.class);
        for (var flow : removes) {
            sent.add(remove.invoke(new RemoveFlowInputBuilder(flow).setNode(node).setStrict(Boolean.TRUE).build()));
        }
        final var add = rpcService.getRpc(AddFlow.class);
        for (var flow : adds) {
            // OFPFC_ADD replaces a flow with the same match and priority
            sent.add(add.invoke(new AddFlowInputBuilder(flow).setNode(node).build()));
        }
        final int count = sent.size();
        // the barrier goes right behind the flow-mods, not after their replies: openflowplugin's
        // outbound queue completes a flow-mod (which has no reply of its own) only at the next
        // barrier, and sends one of its own only every 500 ms (barrier-interval-timeout-limit), so
        // waiting for the flow-mods first cost a batch up to half a second
        final var barrierSent = rpcService.getRpc(SendBarrier.class).invoke(
            new SendBarrierInputBuilder().setNode(node).build());
        final var barrier = Futures.transform(Futures.allAsList(sent), results -> {
            final List<Object> errors = results.stream().filter(result -> !result.isSuccessful())
                .map(result -> (Object) result.getErrors()).toList();
            if (!errors.isEmpty()) {
                throw new IllegalStateException(errors.size() + " flow-mods failed: " + errors);
            }
            return results;
        }, MoreExecutors.directExecutor());
        final var both = Futures.transformAsync(barrier, ignored -> barrierSent, MoreExecutors.directExecutor());
        Futures.addCallback(both, new FutureCallback<RpcResult<?>>() {
            @Override
            public void onSuccess(final RpcResult<?> result) {
                if (result.isSuccessful()) {
                    LOG.debug("Switch {}: {} flow-mods confirmed by a barrier after {} us", datapathId, count,
                        (System.nanoTime() - started) / 1000);
                    done.complete(null);
                } else {
                    onFailure(new IllegalStateException("barrier failed: " + result.getErrors()));
                }
            }

            @Override
            public void onFailure(final Throwable cause) {
                LOG.warn("Switch {}: a batch of {} flow-mods failed", datapathId, count, cause);
                done.completeExceptionally(cause);
            }
        }, MoreExecutors.directExecutor());
        return done;
    }

    @Override
    public String confirmation() {
        return "barrier";
    }
}
