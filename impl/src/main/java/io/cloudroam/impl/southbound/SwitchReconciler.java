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
import io.cloudroam.impl.flow.Pipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.binding.api.RpcService;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.openflowplugin.api.openflow.device.DeviceInfo;
import org.opendaylight.openflowplugin.applications.reconciliation.ReconciliationNotificationListener;
import org.opendaylight.yang.gen.v1.urn.opendaylight.direct.statistics.rev160511.GetFlowStatistics;
import org.opendaylight.yang.gen.v1.urn.opendaylight.direct.statistics.rev160511.GetFlowStatisticsInputBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.tables.table.Flow;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.service.rev130819.AddFlow;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.service.rev130819.AddFlowInputBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.service.rev130819.RemoveFlow;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.service.rev130819.RemoveFlowInputBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.statistics.rev130819.flow.and.statistics.map.list.FlowAndStatisticsMapList;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.transaction.rev150304.SendBarrier;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.transaction.rev150304.SendBarrierInputBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.FlowCookie;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.flow.MatchBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.NodeRef;
import org.opendaylight.yang.gen.v1.urn.opendaylight.params.xml.ns.yang.openflowplugin.rf.state.rev170713.ResultState;
import org.opendaylight.yangtools.yang.common.RpcResult;
import org.opendaylight.yangtools.yang.common.Uint64;
import org.opendaylight.yangtools.yang.common.Uint8;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a connecting switch in line with cloudroam's flows in the configuration datastore, in
 * place of the forwarding rules manager's reconciliation (the distribution turns that off: it
 * re-sends every flow to every switch on every connection, so a controller restart would rewrite
 * the flow tables of switches that never changed).
 *
 * <p>A few seconds after a switch connects (once openflowplugin has set it up), the flows carrying
 * cloudroam's cookie are counted on the switch (per table and priority) and compared with the
 * datastore's. The same census: nothing is sent, the switch kept its flows (a controller restart, a
 * reconnect). A different one, twice a second apart (a restarted switch with an empty table, flows
 * an earlier controller left, or flows written while the switch was connecting, which the
 * forwarding rules manager does not send to a switch not yet set up): cloudroam's flows on the
 * switch are deleted and the datastore's added, closed by a barrier, and the switch is checked
 * again. The counts do not compare matches and actions: a switch whose flows were edited to the
 * same shape is not noticed.
 */
public final class SwitchReconciler implements ReconciliationNotificationListener {
    private static final Logger LOG = LoggerFactory.getLogger(SwitchReconciler.class);
    /** After the forwarding rules manager's priority, which does nothing when its reconciliation is off. */
    private static final int PRIORITY = 2;
    private static final short ALL_TABLES = 0xFF;
    /** Checks after a connection: the first this long after it (openflowplugin sets a device up within 1 s). */
    private static final Duration FOLLOW_UP = Duration.ofSeconds(3);
    /** A difference is checked again after this long before flows are replaced. */
    private static final Duration RECHECK = Duration.ofSeconds(1);
    private static final int FOLLOW_UPS = 3;

    private final DataBroker dataBroker;
    private final RpcService rpcService;
    private final ScheduledExecutorService followUps;
    /**
     * The connection in force per switch, numbered: a follow-up of a connection that ended (the
     * switch went away, or came back as a new connection with follow-ups of its own) sends nothing,
     * nor does one for a switch no longer in the operational inventory. A request to a switch that
     * is gone makes openflowplugin log an ERROR ("No queue present").
     */
    private final Map<Long, Long> connections = new ConcurrentHashMap<>();
    private final AtomicLong connectionCount = new AtomicLong();

    /**
     * Creates one.
     *
     * @param dataBroker where the desired flows are (configuration datastore)
     * @param rpcService the OpenFlow plugin's RPCs
     */
    public SwitchReconciler(final DataBroker dataBroker, final RpcService rpcService) {
        this(dataBroker, rpcService, Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("cloudroam-reconciler").factory()));
    }

    /**
     * Creates one that schedules its checks on the given executor, which it shuts down when closed.
     *
     * @param dataBroker where the desired flows are (configuration datastore)
     * @param rpcService the OpenFlow plugin's RPCs
     * @param followUps runs the checks after a connection
     */
    SwitchReconciler(final DataBroker dataBroker, final RpcService rpcService,
            final ScheduledExecutorService followUps) {
        this.dataBroker = requireNonNull(dataBroker);
        this.rpcService = requireNonNull(rpcService);
        this.followUps = requireNonNull(followUps);
    }

    /**
     * Flows per (table, priority).
     *
     * @param flows table and priority of each flow
     * @return how many of each, sorted
     */
    static Map<List<Integer>, Integer> census(final Collection<List<Integer>> flows) {
        final var result = new TreeMap<List<Integer>, Integer>((a, b) -> a.get(0).equals(b.get(0))
            ? Integer.compare(a.get(1), b.get(1)) : Integer.compare(a.get(0), b.get(0)));
        flows.forEach(flow -> result.merge(flow, 1, Integer::sum));
        return result;
    }

    /**
     * The switch's cloudroam flows against the datastore's.
     *
     * @param wanted the datastore's flows for the switch
     * @param held table and priority of each cloudroam flow on the switch
     */
    private record Comparison(List<Flow> wanted, List<List<Integer>> held) {
        boolean same() {
            return census(wanted.stream().map(f -> List.of(f.getTableId().intValue(), f.getPriority().intValue()))
                .toList()).equals(census(held));
        }
    }

    @Override
    public ListenableFuture<Boolean> startReconciliation(final DeviceInfo device) {
        // compared once the connection is set up, not now: a statistics request at this point holds
        // up openflowplugin's own initialisation of the device, which then gives up after 9 s
        final long datapathId = device.getDatapathId().longValue();
        final long connection = connectionCount.incrementAndGet();
        connections.put(datapathId, connection);
        followUp(datapathId, connection, FOLLOW_UPS, false, true);
        return Futures.immediateFuture(Boolean.TRUE);
    }

    /**
     * Compares the switch with the datastore a little later; a difference seen twice in a row (not a
     * change on its way) replaces the switch's cloudroam flows, which is checked again after.
     */
    private void followUp(final long datapathId, final long connection, final int remaining,
            final boolean differedBefore, final boolean connecting) {
        if (remaining == 0 || followUps.isShutdown()) {
            return;
        }
        followUps.schedule(() -> check(datapathId, connection, remaining, differedBefore, connecting),
            differedBefore ? RECHECK.toMillis() : FOLLOW_UP.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check(final long datapathId, final long connection, final int remaining,
            final boolean differedBefore, final boolean connecting) {
        if (!connected(datapathId, connection)) {
            LOG.debug("Switch {}: connection {} ended before its check", datapathId, connection);
            return;
        }
        // openflowplugin tells a disconnection (endReconciliation) only while a reconciliation is
        // under way, which ours is not for long; the switch's operational node goes when it disconnects
        Futures.addCallback(inInventory(datapathId), new FutureCallback<Boolean>() {
            @Override
            public void onSuccess(final Boolean present) {
                if (present) {
                    compareAndRepair(datapathId, connection, remaining, differedBefore, connecting);
                } else {
                    connections.remove(datapathId, connection);
                    LOG.debug("Switch {}: gone before its check", datapathId);
                }
            }

            @Override
            public void onFailure(final Throwable cause) {
                LOG.warn("Switch {}: the inventory could not be read before its check", datapathId, cause);
            }
        }, MoreExecutors.directExecutor());
    }

    private ListenableFuture<Boolean> inInventory(final long datapathId) {
        try (var tx = dataBroker.newReadOnlyTransaction()) {
            return Futures.transform(tx.read(LogicalDatastoreType.OPERATIONAL, FrmFlowProgrammer.node(datapathId)),
                java.util.Optional::isPresent, MoreExecutors.directExecutor());
        }
    }

    private void compareAndRepair(final long datapathId, final long connection, final int remaining,
            final boolean differedBefore, final boolean connecting) {
        Futures.addCallback(compare(datapathId), new FutureCallback<Comparison>() {
            @Override
            public void onSuccess(final Comparison comparison) {
                if (comparison.same()) {
                    if (connecting) {
                        LOG.info("Switch {} connected holding its {} cloudroam flows: nothing sent", datapathId,
                            comparison.wanted().size());
                    }
                    return;
                }
                if (!differedBefore) {
                    followUp(datapathId, connection, remaining - 1, true, connecting);
                    return;
                }
                LOG.info("Switch {} {} {} cloudroam flows where {} are wanted: replacing them", datapathId,
                    connecting ? "connected holding" : "holds", comparison.held().size(), comparison.wanted().size());
                resend(datapathId, comparison.wanted(), !comparison.held().isEmpty())
                    .addListener(() -> followUp(datapathId, connection, remaining - 1, false, false),
                        MoreExecutors.directExecutor());
            }

            @Override
            public void onFailure(final Throwable cause) {
                if (connected(datapathId, connection)) {
                    LOG.warn("Switch {}: its flows could not be compared with the datastore's", datapathId, cause);
                }
            }
        }, MoreExecutors.directExecutor());
    }

    private boolean connected(final long datapathId, final long connection) {
        return Long.valueOf(connection).equals(connections.get(datapathId));
    }

    private ListenableFuture<Comparison> compare(final long datapathId) {
        final var desired = readDesired(datapathId);
        final var onSwitch = Futures.transform(rpcService.getRpc(GetFlowStatistics.class).invoke(
            new GetFlowStatisticsInputBuilder().setNode(new NodeRef(FrmFlowProgrammer.node(datapathId)))
                .setStoreStats(false)
                .setCookie(new FlowCookie(Uint64.fromLongBits(Pipeline.COOKIE_BASE)))
                .setCookieMask(new FlowCookie(Uint64.fromLongBits(Pipeline.COOKIE_MASK))).build()),
            result -> {
                if (!result.isSuccessful() || result.getResult() == null) {
                    throw new IllegalStateException("flow statistics failed: " + result.getErrors());
                }
                final var list = result.getResult().getFlowAndStatisticsMapList();
                return (list == null ? List.<FlowAndStatisticsMapList>of() : list).stream()
                    .filter(f -> f.getCookie() != null && Pipeline.isOurCookie(f.getCookie().getValue().longValue()))
                    .map(f -> List.of(f.getTableId().intValue(), f.getPriority().intValue())).toList();
            }, MoreExecutors.directExecutor());
        return Futures.whenAllSucceed(desired, onSwitch).call(
            () -> new Comparison(Futures.getDone(desired), Futures.getDone(onSwitch)), MoreExecutors.directExecutor());
    }

    private ListenableFuture<List<Flow>> readDesired(final long datapathId) {
        try (var tx = dataBroker.newReadOnlyTransaction()) {
            return Futures.transform(tx.read(LogicalDatastoreType.CONFIGURATION,
                FrmFlowProgrammer.flowCapableNode(datapathId)), node -> {
                    final var flows = new ArrayList<Flow>();
                    node.ifPresent(flowCapable -> flowCapable.nonnullTable().values().forEach(table ->
                        table.nonnullFlow().values().stream().filter(FrmFlowProgrammer::ours)
                            .forEach(flows::add)));
                    return flows;
                }, MoreExecutors.directExecutor());
        }
    }

    private ListenableFuture<Boolean> resend(final long datapathId, final List<Flow> flows, final boolean clear) {
        final var node = new NodeRef(FrmFlowProgrammer.node(datapathId));
        final ListenableFuture<? extends RpcResult<?>> cleared = clear
            ? rpcService.getRpc(RemoveFlow.class).invoke(new RemoveFlowInputBuilder().setNode(node)
                .setTableId(Uint8.valueOf(ALL_TABLES)).setStrict(Boolean.FALSE).setMatch(new MatchBuilder().build())
                .setCookie(new FlowCookie(Uint64.fromLongBits(Pipeline.COOKIE_BASE)))
                .setCookieMask(new FlowCookie(Uint64.fromLongBits(Pipeline.COOKIE_MASK))).build())
            : Futures.immediateFuture(null);
        return Futures.transformAsync(cleared, ignored -> {
            final var added = new ArrayList<ListenableFuture<? extends RpcResult<?>>>();
            final var add = rpcService.getRpc(AddFlow.class);
            for (var flow : flows) {
                added.add(add.invoke(new AddFlowInputBuilder(flow).setNode(node).build()));
            }
            return Futures.transformAsync(Futures.allAsList(added), results -> Futures.transform(
                rpcService.getRpc(SendBarrier.class).invoke(new SendBarrierInputBuilder().setNode(node).build()),
                barrier -> results.stream().allMatch(result -> result.isSuccessful()) && barrier.isSuccessful(),
                MoreExecutors.directExecutor()), MoreExecutors.directExecutor());
        }, MoreExecutors.directExecutor());
    }

    @Override
    public ListenableFuture<Boolean> endReconciliation(final DeviceInfo device) {
        // openflowplugin calls this on a disconnection only while a reconciliation is under way (ours
        // completes at once), so the checks also look at the inventory
        connections.remove(device.getDatapathId().longValue());
        return Futures.immediateFuture(Boolean.TRUE);
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }

    @Override
    public String getName() {
        return "cloudroam";
    }

    @Override
    public ResultState getResultState() {
        return ResultState.DONOTHING;
    }

    @Override
    public void close() {
        followUps.shutdownNow();
    }
}
