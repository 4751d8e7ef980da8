/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import io.cloudroam.impl.ovsdb.SwitchView;
import io.cloudroam.impl.topology.PathMtu;
import java.util.Optional;

/**
 * A tunnel port as its cloud's OVSDB reports it.
 *
 * @param cloud cloud holding the port
 * @param remoteCloud cloud at the other end
 * @param portName port name
 * @param ofport OpenFlow port number, if assigned
 * @param remoteIp remote tunnel endpoint
 * @param state "up", "down" or "unknown"
 * @param bfdState BFD state as reported, or empty
 * @param pathMtu what path MTU discovery knows of the direction cloud to remote cloud
 * @param overlayMtu the largest VM IP packet it carries, 0 until measured
 */
public record TunnelState(String cloud, String remoteCloud, String portName, Optional<Long> ofport, String remoteIp,
        String state, String bfdState, PathMtu.Estimate pathMtu, int overlayMtu) {
    /**
     * The same tunnel with what path MTU discovery knows of it.
     *
     * @param estimate the estimate
     * @param overlay the overlay MTU that gives
     * @return the tunnel state
     */
    public TunnelState withPathMtu(final PathMtu.Estimate estimate, final int overlay) {
        return new TunnelState(cloud, remoteCloud, portName, ofport, remoteIp, state, bfdState, estimate, overlay);
    }

    /**
     * Reads one from an interface of a cloud's view.
     *
     * @param cloud the cloud
     * @param iface an interface cloudroam created (it has a remote cloud)
     * @return the state
     */
    public static TunnelState of(final String cloud, final SwitchView.Interface iface) {
        final var bfd = iface.bfdStatus().getOrDefault("state", "");
        final String state;
        if (iface.ofport().filter(port -> port < 0).isPresent() || "down".equals(bfd)) {
            state = "down";
        } else if ("up".equals(bfd)) {
            state = "up";
        } else {
            state = "unknown";
        }
        return new TunnelState(cloud, iface.remoteCloud().orElseThrow(), iface.name(), iface.usablePort(),
            iface.options().getOrDefault("remote_ip", ""), state, bfd, PathMtu.Estimate.UNKNOWN, 0);
    }
}
