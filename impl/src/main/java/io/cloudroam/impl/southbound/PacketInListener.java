/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.southbound;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.opendaylight.mdsal.binding.api.NotificationService;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.NodeConnectorRef;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.node.NodeConnectorKey;
import org.opendaylight.yang.gen.v1.urn.opendaylight.packet.service.rev130709.PacketReceived;
import org.opendaylight.yangtools.binding.KeyStep;

/**
 * Hands the OpenFlow plugin's packet-in notifications on: switch, ingress port, the table that
 * punted the frame, and the frame.
 */
public final class PacketInListener implements NotificationService.Listener<PacketReceived> {
    /**
     * Where packet-ins go: the fabric, or (on a cluster member where cloudroam stands by) the relay
     * to the active member.
     */
    @FunctionalInterface
    public interface Sink {
        /**
         * Takes one packet-in.
         *
         * @param datapathId the switch
         * @param port the ingress port
         * @param tableId the table that sent it
         * @param payload the frame
         */
        void packetIn(long datapathId, long port, short tableId, byte[] payload);
    }

    /**
     * A switch port.
     *
     * @param datapathId the switch
     * @param port the OpenFlow port number
     */
    record SwitchPort(long datapathId, long port) {
    }

    private final Sink sink;

    /**
     * Creates one.
     *
     * @param sink where packet-ins go
     */
    public PacketInListener(final Sink sink) {
        this.sink = requireNonNull(sink);
    }

    @Override
    public void onNotification(final PacketReceived notification) {
        final var payload = notification.getPayload();
        final var table = notification.getTableId();
        if (payload == null || table == null) {
            return;
        }
        ingress(notification.getIngress()).ifPresent(where -> sink.packetIn(where.datapathId(), where.port(),
            table.getValue().shortValue(), payload));
    }

    /**
     * Reads the switch and port out of an ingress reference ({@code openflow:<dpid>:<port>}).
     *
     * @param ref the reference
     * @return the switch port, empty when the reference is not an OpenFlow port
     */
    static Optional<SwitchPort> ingress(final NodeConnectorRef ref) {
        if (ref == null) {
            return Optional.empty();
        }
        for (var step : ref.getValue().steps()) {
            if (step instanceof KeyStep<?, ?> keyStep && keyStep.key() instanceof NodeConnectorKey key) {
                return parse(key.getId().getValue());
            }
        }
        return Optional.empty();
    }

    static Optional<SwitchPort> parse(final String connectorId) {
        final var parts = connectorId.split(":", -1);
        if (parts.length != 3 || !"openflow".equals(parts[0])) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SwitchPort(Long.parseUnsignedLong(parts[1]), Long.parseLong(parts[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
