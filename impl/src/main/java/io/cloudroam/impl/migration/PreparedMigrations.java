/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.location.VmKey;
import io.cloudroam.impl.location.VmLocation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Live migrations the management plane shows before the VM runs at its destination: a port
 * plugged in another cloud with the identity of a VM that is alive elsewhere ({@link PortEvidence}),
 * as libvirt and os-vif plug a migration's destination first. While one is prepared, the VM's
 * cloud copies the frames for it to the destination cloud, which holds them back until the move is
 * applied; the move's first phase (the destination's own flows) then lets them through. A prepared
 * migration ends when the VM moves (anywhere), when it is forgotten, or when its destination port
 * goes (a cancelled migration: the VM stays where it is). Used from one thread.
 */
public final class PreparedMigrations {
    /**
     * Where a VM is about to go.
     *
     * @param cloud the destination cloud
     * @param datapathId the switch of the port plugged for it
     * @param port that port's OpenFlow number
     * @param evidence what the port carries ({@link PortEvidence#ATTACHED_MAC}, {@link PortEvidence#IFACE_ID})
     * @param since when the port was plugged
     */
    public record Destination(String cloud, long datapathId, long port, String evidence, Instant since) {
        /**
         * Checks the parts.
         */
        public Destination {
            requireNonNull(cloud);
            requireNonNull(evidence);
            requireNonNull(since);
        }
    }

    private final Map<VmKey, Destination> byVm = new HashMap<>();

    /**
     * Whether a port makes a VM's migration prepared.
     *
     * @param current where the VM is
     * @param currentPort its port there, as plugged
     * @param cloud the other port's cloud
     * @param datapathId the other port's switch
     * @param port the other port's number
     * @param plugged the other port, as plugged
     * @return the destination; empty when the port is no evidence for the VM, or in the VM's own cloud
     *         (a move within a cloud crosses no tunnel, and is not prepared)
     */
    public static Optional<Destination> destination(final VmLocation current, final PortEvidence.Plugged currentPort,
            final String cloud, final long datapathId, final long port, final PortEvidence.Plugged plugged) {
        if (cloud.equals(current.cloud()) || datapathId == current.datapathId() && port == current.port()) {
            return Optional.empty();
        }
        return PortEvidence.of(current.mac(), currentPort, plugged)
            .map(evidence -> new Destination(cloud, datapathId, port, evidence, plugged.since()));
    }

    /**
     * A VM's migration is prepared.
     *
     * @param vm the VM
     * @param destination where it goes
     * @return whether this changed anything
     */
    public boolean prepare(final VmKey vm, final Destination destination) {
        return !destination.equals(byVm.put(requireNonNull(vm), requireNonNull(destination)));
    }

    /**
     * A VM's prepared migration ends.
     *
     * @param vm the VM
     * @return what was prepared, if anything
     */
    public Optional<Destination> end(final VmKey vm) {
        return Optional.ofNullable(byVm.remove(vm));
    }

    /**
     * The VMs whose migration is prepared toward a port.
     *
     * @param datapathId its switch
     * @param port its number
     * @return the VMs
     */
    public List<VmKey> toward(final long datapathId, final long port) {
        final var result = new ArrayList<VmKey>();
        byVm.forEach((vm, destination) -> {
            if (destination.datapathId() == datapathId && destination.port() == port) {
                result.add(vm);
            }
        });
        return result;
    }

    /**
     * A VM's prepared migration.
     *
     * @param vm the VM
     * @return where it goes, if prepared
     */
    public Optional<Destination> of(final VmKey vm) {
        return Optional.ofNullable(byVm.get(vm));
    }

    /**
     * The destination cloud of every prepared migration, as the flows need it.
     *
     * @return VM to cloud, a copy
     */
    public Map<VmKey, String> clouds() {
        final var result = new HashMap<VmKey, String>();
        byVm.forEach((vm, destination) -> result.put(vm, destination.cloud()));
        return Map.copyOf(result);
    }
}
