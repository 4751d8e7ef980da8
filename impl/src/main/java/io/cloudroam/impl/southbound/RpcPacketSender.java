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
import com.google.common.util.concurrent.MoreExecutors;
import io.cloudroam.impl.fabric.PacketSender;
import org.opendaylight.mdsal.binding.api.RpcService;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.NodeConnectorId;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.NodeConnectorRef;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.NodeRef;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.node.NodeConnector;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.node.NodeConnectorKey;
import org.opendaylight.yang.gen.v1.urn.opendaylight.packet.service.rev130709.TransmitPacket;
import org.opendaylight.yang.gen.v1.urn.opendaylight.packet.service.rev130709.TransmitPacketInputBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.packet.service.rev130709.TransmitPacketOutput;
import org.opendaylight.yangtools.yang.common.RpcResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends packet-outs through the OpenFlow plugin's {@code transmit-packet} RPC.
 */
public final class RpcPacketSender implements PacketSender {
    private static final Logger LOG = LoggerFactory.getLogger(RpcPacketSender.class);

    private final RpcService rpcService;

    /**
     * Creates one.
     *
     * @param rpcService where the OpenFlow plugin's RPCs are found
     */
    public RpcPacketSender(final RpcService rpcService) {
        this.rpcService = requireNonNull(rpcService);
    }

    @Override
    public void send(final long datapathId, final long port, final byte[] frame) {
        transmit(datapathId, new TransmitPacketInputBuilder().setEgress(connector(datapathId, Long.toString(port))),
            port, frame);
    }

    @Override
    public void inject(final long datapathId, final long inPort, final byte[] frame) {
        transmit(datapathId, new TransmitPacketInputBuilder().setIngress(connector(datapathId, Long.toString(inPort)))
            .setEgress(connector(datapathId, "TABLE")), inPort, frame);
    }

    private static NodeConnectorRef connector(final long datapathId, final String port) {
        return new NodeConnectorRef(FrmFlowProgrammer.node(datapathId).toBuilder().child(NodeConnector.class,
            new NodeConnectorKey(new NodeConnectorId(FlowConverter.nodeId(datapathId) + ":" + port))).build());
    }

    private void transmit(final long datapathId, final TransmitPacketInputBuilder builder, final long port,
            final byte[] frame) {
        final var input = builder.setNode(new NodeRef(FrmFlowProgrammer.node(datapathId))).setPayload(frame).build();
        Futures.addCallback(rpcService.getRpc(TransmitPacket.class).invoke(input),
            new FutureCallback<RpcResult<TransmitPacketOutput>>() {
                @Override
                public void onSuccess(final RpcResult<TransmitPacketOutput> result) {
                    if (!result.isSuccessful()) {
                        LOG.debug("packet-out to {}:{} failed: {}", datapathId, port, result.getErrors());
                    }
                }

                @Override
                public void onFailure(final Throwable cause) {
                    LOG.debug("packet-out to {}:{} failed", datapathId, port, cause);
                }
            }, MoreExecutors.directExecutor());
    }
}
