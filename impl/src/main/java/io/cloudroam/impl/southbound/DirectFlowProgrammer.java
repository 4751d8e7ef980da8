/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.southbound;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.fabric.FlowProgrammer;
import io.cloudroam.impl.flow.FlowSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.tables.table.Flow;

/**
 * The fast path with the datastore as the record: every batch goes to the switch at once as
 * flow-mods closed by a barrier, and the same change is written to the configuration datastore in
 * the same moment, as {@link FrmFlowProgrammer} writes it (including its adoption of an earlier
 * run's flows, so a restarted controller sends nothing to a switch that kept its flows).
 *
 * <p>The forwarding rules manager then sends the recorded flows a second time. Those flow-mods
 * change nothing: the switch already holds exactly those flows (OpenFlow's add replaces a flow of
 * the same match and priority; a removal of a flow that is gone is nothing). They arrive in the
 * order of the datastore's commits, so if one came after a newer batch's flow-mod of the same flow,
 * the newer commit's own re-send follows it; the switch ends as the last commit says.
 */
public final class DirectFlowProgrammer implements FlowProgrammer {
    private final RpcFlowProgrammer rpc;
    private final FrmFlowProgrammer record;

    /**
     * Creates one.
     *
     * @param rpc sends the flow-mods and the barrier
     * @param record keeps the flows in the datastore
     */
    public DirectFlowProgrammer(final RpcFlowProgrammer rpc, final FrmFlowProgrammer record) {
        this.rpc = requireNonNull(rpc);
        this.record = requireNonNull(record);
    }

    @Override
    public Confirmations apply(final long datapathId, final Collection<FlowSpec> upserts,
            final Collection<FlowSpec> removals) {
        final var plan = record.plan(datapathId, upserts, removals);
        if (plan.isEmpty()) {
            return Confirmations.of(CompletableFuture.completedFuture(null));
        }
        final var removes = new ArrayList<Flow>(plan.removals().size() + plan.stale().size());
        plan.removals().forEach(flow -> removes.add(FlowConverter.toFlow(datapathId, flow)));
        removes.addAll(plan.stale().values());
        final var applied = rpc.send(datapathId,
            plan.writes().stream().map(flow -> FlowConverter.toFlow(datapathId, flow)).toList(), removes);
        return new Confirmations(applied, record.record(datapathId, plan));
    }

    @Override
    public String confirmation() {
        return rpc.confirmation();
    }

    @Override
    public void forget(final long datapathId) {
        record.forget(datapathId);
    }
}
