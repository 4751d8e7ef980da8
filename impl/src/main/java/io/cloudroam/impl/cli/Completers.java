/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.cli;

import io.cloudroam.impl.CloudroamState;
import io.cloudroam.impl.config.VirtualNetworkSpec;
import io.cloudroam.impl.location.VmLocation;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * Tab completion for the {@code cloudroam:*} commands: VM MACs, cloud ids, VNIs and modes, from what
 * cloudroam knows at the moment TAB is pressed.
 */
final class Completers {
    private Completers() {
        // completers only
    }

    private static int complete(final Session session, final CommandLine commandLine, final List<String> candidates,
            final Stream<String> values) {
        return new StringsCompleter(values.distinct().sorted().toList()).complete(session, commandLine, candidates);
    }

    /** MAC addresses of located VMs. */
    @Service
    public static final class Vm implements Completer {
        @Reference
        private CloudroamState state;

        @Override
        public int complete(final Session session, final CommandLine commandLine, final List<String> candidates) {
            return Completers.complete(session, commandLine, candidates,
                state.locations().stream().map(VmLocation::mac).map(Object::toString));
        }
    }

    /** Configured cloud ids. */
    @Service
    public static final class Cloud implements Completer {
        @Reference
        private CloudroamState state;

        @Override
        public int complete(final Session session, final CommandLine commandLine, final List<String> candidates) {
            return Completers.complete(session, commandLine, candidates, state.config().clouds().keySet().stream());
        }
    }

    /** Configured VNIs. */
    @Service
    public static final class Vni implements Completer {
        @Reference
        private CloudroamState state;

        @Override
        public int complete(final Session session, final CommandLine commandLine, final List<String> candidates) {
            final Collection<VirtualNetworkSpec> networks = state.config().networks().values();
            return Completers.complete(session, commandLine, candidates,
                networks.stream().map(network -> Integer.toString(network.vni())));
        }
    }

    /** The forwarding modes of a virtual network. */
    @Service
    public static final class Mode implements Completer {
        @Override
        public int complete(final Session session, final CommandLine commandLine, final List<String> candidates) {
            return Completers.complete(session, commandLine, candidates, Stream.of(VirtualNetworkSpec.Mode.values())
                .map(mode -> mode.name().toLowerCase(Locale.ROOT)));
        }
    }
}
