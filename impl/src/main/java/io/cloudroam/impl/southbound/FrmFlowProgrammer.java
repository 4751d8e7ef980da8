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
import io.cloudroam.impl.flow.Pipeline;
import io.cloudroam.impl.mdsal.ChainedWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Programs flows through the configuration datastore: the OpenFlow plugin's forwarding rules
 * manager (FRM) sends them to the switch and re-sends them whenever the switch reconnects.
 * One transaction per call, so a switch's changes land together.
 */
public final class FrmFlowProgrammer implements FlowProgrammer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrmFlowProgrammer.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /**
     * A flow's place in the datastore.
     *
     * @param table its table
     * @param id its id
     */
    record Key(short table, String id) {
    }

    /**
     * What the first batch for a switch sends once an earlier run's flows are taken into account.
     *
     * @param writes flows to write: new, or different from what the datastore holds
     * @param deletes cloudroam's flows the datastore holds that are no longer wanted
     * @param kept flows the datastore holds exactly as wanted: not written again
     */
    record Adoption(List<FlowSpec> writes, List<Key> deletes, int kept) {
    }

    /**
     * What one batch changes in the datastore.
     *
     * @param writes flows to write
     * @param removals flows the batch removes
     * @param stale flows of an earlier run that are no longer wanted, as the datastore holds them
     */
    record Plan(Collection<FlowSpec> writes, Collection<FlowSpec> removals, Map<Key, Flow> stale) {
        boolean isEmpty() {
            return writes.isEmpty() && removals.isEmpty() && stale.isEmpty();
        }
    }

    private final DataBroker dataBroker;
    private final ChainedWriter writer;
    private final Set<Long> adopted = ConcurrentHashMap.newKeySet();

    /**
     * Creates one.
     *
     * @param dataBroker the binding data broker
     */
    public FrmFlowProgrammer(final DataBroker dataBroker) {
        this.dataBroker = dataBroker;
        writer = new ChainedWriter(dataBroker, "cloudroam flows");
    }

    /**
     * {@inheritDoc}
     *
     * <p>The first batch for a switch adopts what the datastore holds (see {@link #plan}).
     */
    @Override
    public Confirmations apply(final long datapathId, final Collection<FlowSpec> upserts,
            final Collection<FlowSpec> removals) {
        return Confirmations.of(record(datapathId, plan(datapathId, upserts, removals)));
    }

    /**
     * What a batch changes in the datastore. The first batch for a switch after the controller
     * started (or after {@link #forget}) adopts what an earlier run left there: flows already there
     * exactly as wanted are not written again (the forwarding rules manager would send them to the
     * switch), cloudroam's flows that are no longer wanted are deleted.
     *
     * @param datapathId the switch
     * @param upserts flows to add or replace
     * @param removals flows to remove
     * @return what to write and delete
     */
    Plan plan(final long datapathId, final Collection<FlowSpec> upserts, final Collection<FlowSpec> removals) {
        if (!adopted.add(datapathId)) {
            return new Plan(upserts, removals, Map.of());
        }
        final var existing = existing(datapathId);
        final var adoption = adopt(datapathId, existing, upserts, removals);
        if (adoption.kept() > 0 || !adoption.deletes().isEmpty()) {
            LOG.info("Switch {}: {} flows of an earlier run kept as they are, {} written, {} no longer wanted",
                datapathId, adoption.kept(), adoption.writes().size(), adoption.deletes().size());
        }
        final var stale = new LinkedHashMap<Key, Flow>();
        adoption.deletes().forEach(key -> stale.put(key, existing.get(key)));
        return new Plan(adoption.writes(), removals, stale);
    }

    /**
     * Writes a plan: one transaction, so a switch's changes land together.
     *
     * @param datapathId the switch
     * @param plan what {@link #plan} said
     * @return completes when the transaction committed
     */
    CompletableFuture<Void> record(final long datapathId, final Plan plan) {
        if (plan.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        final int deletes = plan.removals().size() + plan.stale().size();
        return writer.write("switch " + datapathId + ": " + plan.writes().size() + " flows written, " + deletes
            + " removed", tx -> {
                for (var flow : plan.removals()) {
                    tx.delete(LogicalDatastoreType.CONFIGURATION, path(datapathId, new Key(flow.table(), flow.id())));
                }
                for (var key : plan.stale().keySet()) {
                    tx.delete(LogicalDatastoreType.CONFIGURATION, path(datapathId, key));
                }
                for (var flow : plan.writes()) {
                    tx.mergeParentStructurePut(LogicalDatastoreType.CONFIGURATION,
                        path(datapathId, new Key(flow.table(), flow.id())), FlowConverter.toFlow(datapathId, flow));
                }
            });
    }

    /**
     * The first batch for a switch, given what the datastore holds for it.
     *
     * @param datapathId the switch
     * @param existing its flows in the datastore (anybody's)
     * @param upserts the flows wanted
     * @param removals the flows to remove anyway
     * @return what to write and delete
     */
    static Adoption adopt(final long datapathId, final Map<Key, Flow> existing, final Collection<FlowSpec> upserts,
            final Collection<FlowSpec> removals) {
        final var writes = new ArrayList<FlowSpec>();
        final var wanted = new HashSet<Key>();
        int kept = 0;
        for (var spec : upserts) {
            final var key = new Key(spec.table(), spec.id());
            wanted.add(key);
            if (FlowConverter.toFlow(datapathId, spec).equals(existing.get(key))) {
                kept++;
            } else {
                writes.add(spec);
            }
        }
        removals.forEach(flow -> wanted.add(new Key(flow.table(), flow.id())));
        final var deletes = existing.entrySet().stream()
            .filter(entry -> !wanted.contains(entry.getKey()) && ours(entry.getValue()))
            .map(Map.Entry::getKey).sorted(java.util.Comparator.comparing(Key::table).thenComparing(Key::id))
            .toList();
        return new Adoption(List.copyOf(writes), deletes, kept);
    }

    /** Whether a stored flow is cloudroam's. */
    static boolean ours(final Flow flow) {
        return flow.getCookie() != null && Pipeline.isOurCookie(flow.getCookie().getValue().longValue());
    }

    /** The switch's flows in the configuration datastore; none when they cannot be read in time. */
    private Map<Key, Flow> existing(final long datapathId) {
        final var result = new HashMap<Key, Flow>();
        try (var tx = dataBroker.newReadOnlyTransaction()) {
            final var node = tx.read(LogicalDatastoreType.CONFIGURATION, flowCapableNode(datapathId))
                .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            node.ifPresent(flowCapable -> flowCapable.nonnullTable().values().forEach(table ->
                table.nonnullFlow().values().forEach(flow -> result.put(
                    new Key(table.getId().shortValue(), flow.getId().getValue()), flow))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Switch {}: an earlier run's flows could not be read; every flow is written", datapathId, e);
        }
        return result;
    }

    @Override
    public String confirmation() {
        return "datastore-commit";
    }

    /**
     * {@inheritDoc}
     *
     * <p>The switch's next batch adopts what the datastore holds for it, as the first one did.
     */
    @Override
    public void forget(final long datapathId) {
        adopted.remove(datapathId);
    }

    @Override
    public void close() {
        writer.close();
    }

    static DataObjectIdentifier<Node> node(final long datapathId) {
        return DataObjectIdentifier.builder(Nodes.class)
            .child(Node.class, new NodeKey(new NodeId(FlowConverter.nodeId(datapathId)))).build();
    }

    /**
     * Where a switch's flows are in the datastore.
     *
     * @param datapathId the switch
     * @return its flow-capable node
     */
    static DataObjectIdentifier<FlowCapableNode> flowCapableNode(final long datapathId) {
        return DataObjectIdentifier.builder(Nodes.class)
            .child(Node.class, new NodeKey(new NodeId(FlowConverter.nodeId(datapathId))))
            .augmentation(FlowCapableNode.class).build();
    }

    private static DataObjectIdentifier<Flow> path(final long datapathId, final Key flow) {
        return DataObjectIdentifier.builder(Nodes.class)
            .child(Node.class, new NodeKey(new NodeId(FlowConverter.nodeId(datapathId))))
            .augmentation(FlowCapableNode.class)
            .child(Table.class, new TableKey(Uint8.valueOf(flow.table())))
            .child(Flow.class, new FlowKey(new FlowId(flow.id())))
            .build();
    }
}
