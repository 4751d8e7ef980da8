/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import io.cloudroam.impl.ovsdb.SwitchView;
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
 */
public record TunnelState(String cloud, String remoteCloud, String portName, Optional<Long> ofport, String remoteIp,
        String state, String bfdState) {
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
            iface.options().getOrDefault("remote_ip", ""), state, bfd);
    }
}
