/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.southbound;

import io.cloudroam.impl.fabric.FlowProgrammer;
import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.mdsal.ChainedWriter;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.FlowCapableNode;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.FlowId;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.tables.Table;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.tables.TableKey;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.tables.table.Flow;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.tables.table.FlowKey;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.NodeId;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.Nodes;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.nodes.Node;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.nodes.NodeKey;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.yang.common.Uint8;

/**
 * Programs flows through the configuration datastore: the OpenFlow plugin's forwarding rules
 * manager (FRM) sends them to the switch and re-sends them whenever the switch reconnects.
 * One transaction per call, so a switch's changes land together.
 */
public final class FrmFlowProgrammer implements FlowProgrammer, AutoCloseable {
    private final ChainedWriter writer;

    /**
     * Creates one.
     *
     * @param dataBroker the binding data broker
     */
    public FrmFlowProgrammer(final DataBroker dataBroker) {
        writer = new ChainedWriter(dataBroker, "cloudroam flows");
    }

    @Override
    public CompletableFuture<Void> apply(final long datapathId, final Collection<FlowSpec> upserts,
            final Collection<FlowSpec> removals) {
        return writer.write("switch " + datapathId + ": " + upserts.size() + " flows written, " + removals.size()
            + " removed", tx -> {
                for (var flow : removals) {
                    tx.delete(LogicalDatastoreType.CONFIGURATION, path(datapathId, flow));
                }
                for (var flow : upserts) {
                    tx.mergeParentStructurePut(LogicalDatastoreType.CONFIGURATION, path(datapathId, flow),
                        FlowConverter.toFlow(datapathId, flow));
                }
            });
    }

    @Override
    public String confirmation() {
        return "datastore-commit";
    }

    @Override
    public void close() {
        writer.close();
    }

    static DataObjectIdentifier<Node> node(final long datapathId) {
        return DataObjectIdentifier.builder(Nodes.class)
            .child(Node.class, new NodeKey(new NodeId(FlowConverter.nodeId(datapathId)))).build();
    }

    private static DataObjectIdentifier<Flow> path(final long datapathId, final FlowSpec flow) {
        return DataObjectIdentifier.builder(Nodes.class)
            .child(Node.class, new NodeKey(new NodeId(FlowConverter.nodeId(datapathId))))
            .augmentation(FlowCapableNode.class)
            .child(Table.class, new TableKey(Uint8.valueOf(flow.table())))
            .child(Flow.class, new FlowKey(new FlowId(flow.id())))
            .build();
    }
}
