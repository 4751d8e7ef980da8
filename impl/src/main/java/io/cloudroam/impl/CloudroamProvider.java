/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl;

import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.config.ConfigListener;
import io.cloudroam.impl.config.ConfigTracker;
import io.cloudroam.impl.fabric.ConflictRecord;
import io.cloudroam.impl.fabric.Counters;
import io.cloudroam.impl.fabric.Fabric;
import io.cloudroam.impl.fabric.MigrationRecord;
import io.cloudroam.impl.fabric.TunnelState;
import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.location.LocationTable;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.mdsal.ConfigCohort;
import io.cloudroam.impl.northbound.AnnounceMigrationRpc;
import io.cloudroam.impl.northbound.ClearQuarantineRpc;
import io.cloudroam.impl.northbound.LocateVmRpc;
import io.cloudroam.impl.northbound.OperationalPublisher;
import io.cloudroam.impl.northbound.StateRestore;
import io.cloudroam.impl.ovsdb.OvsdbSession;
import io.cloudroam.impl.southbound.FrmFlowProgrammer;
import io.cloudroam.impl.southbound.PacketInListener;
import io.cloudroam.impl.southbound.RpcFlowProgrammer;
import io.cloudroam.impl.southbound.RpcPacketSender;
import io.cloudroam.impl.southbound.SwitchReconciler;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.binding.api.NotificationPublishService;
import org.opendaylight.mdsal.binding.api.NotificationService;
import org.opendaylight.mdsal.binding.api.RpcProviderService;
import org.opendaylight.mdsal.binding.api.RpcService;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.dom.api.DOMDataBroker;
import org.opendaylight.openflowplugin.applications.reconciliation.NotificationRegistration;
import org.opendaylight.openflowplugin.applications.reconciliation.ReconciliationManager;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Cloudroam;
import org.opendaylight.yang.gen.v1.urn.opendaylight.packet.service.rev130709.PacketReceived;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.binding.data.codec.api.BindingNormalizedNodeSerializer;
import org.opendaylight.yangtools.concepts.Registration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cloudroam's root component: wires the configuration listener and its commit cohort, the fabric
 * (OVSDB sessions, flows, packet-ins, packet-outs), the operational publisher and the northbound
 * RPCs to MD-SAL, and offers what the fabric knows to the shell commands. Holds no logic of its own.
 */
@Component(service = CloudroamState.class, immediate = true)
public final class CloudroamProvider implements CloudroamState, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloudroamProvider.class);

    private final LocationTable locations = new LocationTable();
    private final OperationalPublisher publisher;
    private final FrmFlowProgrammer programmer;
    private final Fabric fabric;
    private final Registration configRegistration;
    private final Registration rpcRegistration;
    private final Registration packetInRegistration;
    private final Registration cohortRegistration;
    private final SwitchReconciler reconciler;
    private final NotificationRegistration reconcilerRegistration;

    /**
     * Starts cloudroam.
     *
     * @param dataBroker the binding data broker
     * @param rpcProvider where RPC implementations are registered
     * @param rpcService where the OpenFlow plugin's RPCs (packet-out) are found
     * @param notifications where packet-ins arrive
     * @param domBroker the DOM data broker, for the configuration's commit cohort
     * @param codec converts DOM data to bindings, for the cohort
     * @param notificationPublisher where vm-migrated and location-conflict notifications go
     * @param reconciliation the OpenFlow plugin's reconciliation framework: cloudroam checks every
     *        connecting switch against its flows
     */
    @Activate
    public CloudroamProvider(@Reference final DataBroker dataBroker, @Reference final RpcProviderService rpcProvider,
            @Reference final RpcService rpcService, @Reference final NotificationService notifications,
            @Reference final DOMDataBroker domBroker, @Reference final BindingNormalizedNodeSerializer codec,
            @Reference final NotificationPublishService notificationPublisher,
            @Reference final ReconciliationManager reconciliation) {
        cohortRegistration = ConfigCohort.register(domBroker, codec);
        reconciler = new SwitchReconciler(dataBroker, rpcService);
        reconcilerRegistration = reconciliation.registerService(reconciler);
        publisher = new OperationalPublisher(dataBroker, notificationPublisher);
        programmer = new FrmFlowProgrammer(dataBroker);
        final var rpcProgrammer = new RpcFlowProgrammer(rpcService);
        fabric = new Fabric(method -> method == CloudroamConfig.FlowProgramming.RPC ? rpcProgrammer : programmer,
            new RpcPacketSender(rpcService), publisher,
            (cloud, onView) -> new OvsdbSession(cloud.ovsdbAddress().orElseThrow(), cloud.ovsdbPort(), onView),
            locations, Clock.systemUTC());
        // before any configuration or packet-in: the VMs, routes and history of an earlier run
        fabric.restore(StateRestore.read(dataBroker));
        publisher.publishCounters(fabric::counters);
        final var config = new ConfigTracker(fabric::configure);
        packetInRegistration = notifications.registerListener(PacketReceived.class, new PacketInListener(fabric));
        configRegistration = dataBroker.registerDataListener(LogicalDatastoreType.CONFIGURATION,
            DataObjectIdentifier.builder(Cloudroam.class).build(), new ConfigListener(config));
        rpcRegistration = rpcProvider.registerRpcImplementations(new LocateVmRpc(locations),
            new ClearQuarantineRpc(fabric), new AnnounceMigrationRpc(fabric));
        LOG.info("cloudroam started");
    }

    /**
     * Stops cloudroam: unregisters the RPCs first so no call sees a half-closed component.
     */
    @Deactivate
    @Override
    public void close() {
        rpcRegistration.close();
        configRegistration.close();
        packetInRegistration.close();
        cohortRegistration.close();
        closeReconciler();
        fabric.close();
        programmer.close();
        publisher.close();
        LOG.info("cloudroam stopped");
    }

    @Override
    public CloudroamConfig config() {
        return fabric.config();
    }

    @Override
    public boolean ovsdbConnected(final String cloud) {
        return fabric.ovsdbConnected(cloud);
    }

    @Override
    public List<VmLocation> locations() {
        return fabric.locations();
    }

    @Override
    public List<TunnelState> tunnels() {
        return fabric.tunnels();
    }

    @Override
    public Map<String, FlowSpec> flows(final long datapathId) {
        return fabric.installedFlows().getOrDefault(datapathId, Map.of());
    }

    @Override
    public List<MigrationRecord> migrations() {
        return fabric.migrations();
    }

    @Override
    public List<ConflictRecord> conflicts() {
        return fabric.conflicts();
    }

    @Override
    public Map<Counters.Kind, Long> counters() {
        return fabric.counters();
    }

    // NotificationRegistration is an AutoCloseable whose close() declares Exception; whatever it
    // throws, the rest of cloudroam must still be closed
    @SuppressWarnings("checkstyle:IllegalCatch")
    private void closeReconciler() {
        try {
            reconcilerRegistration.close();
        } catch (Exception e) {
            LOG.warn("Unregistering from the reconciliation framework failed", e);
        }
        reconciler.close();
    }
}
