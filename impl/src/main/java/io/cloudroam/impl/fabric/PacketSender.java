/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

/**
 * Sends a frame out of a switch port (an OpenFlow packet-out).
 */
public interface PacketSender {
    /**
     * Sends a frame.
     *
     * @param datapathId the switch
     * @param port the OpenFlow port it leaves by
     * @param frame the Ethernet frame
     */
    void send(long datapathId, long port, byte[] frame);

    /**
     * Hands a frame to a switch's pipeline as if it had arrived on a port (a packet-out to the
     * OpenFlow TABLE port).
     *
     * @param datapathId the switch
     * @param inPort the OpenFlow port it seems to come from
     * @param frame the Ethernet frame
     */
    void inject(long datapathId, long inPort, byte[] frame);
}
