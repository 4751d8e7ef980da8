/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class OpenFlowAddressTest {
    /** The shape of openflowjava's ConnectionConfigurationImpl: an address field, null when unset. */
    static final class Configured {
        private final InetAddress address;

        Configured(final InetAddress address) {
            this.address = address;
        }

        InetAddress getAddress() {
            return address;
        }
    }

    private static Class<?> rewritten(final String address) throws IOException, IllegalAccessException {
        final byte[] original;
        try (InputStream in = Configured.class.getResourceAsStream("OpenFlowAddressTest$Configured.class")) {
            original = in.readAllBytes();
        }
        final byte[] changed = OpenFlowAddress.rewrite(original, address);
        // defined in a loader of its own, next to the original
        return new ClassLoader(OpenFlowAddressTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(Configured.class.getName(), changed, 0, changed.length);
            }
        }.define();
    }

    private static InetAddress addressOf(final Class<?> type, final InetAddress configured) throws Exception {
        // the rewritten class is in a loader (so a runtime package) of its own: no package access
        final var constructor = type.getDeclaredConstructor(InetAddress.class);
        constructor.setAccessible(true);
        final var getAddress = type.getDeclaredMethod("getAddress");
        getAddress.setAccessible(true);
        return (InetAddress) getAddress.invoke(constructor.newInstance(configured));
    }

    @Test
    void anUnsetAddressBecomesThisMembersAddress() throws Exception {
        assertNull(addressOf(Configured.class, null), "control: the original answers null");
        assertEquals(InetAddress.getByName("127.0.0.2"), addressOf(rewritten("127.0.0.2"), null));
    }

    @Test
    void aConfiguredAddressStillWins() throws Exception {
        final var configured = InetAddress.getByName("127.0.0.9");
        assertEquals(configured, addressOf(rewritten("127.0.0.2"), configured));
    }

    @Test
    void onlyAddressLiteralsAreAccepted() {
        assertEquals("127.0.0.3", OpenFlowAddress.checked("127.0.0.3"));
        assertEquals("::1", OpenFlowAddress.checked("::1"));
        final var e = assertThrows(IllegalArgumentException.class, () -> OpenFlowAddress.checked("localhost"));
        assertEquals("cloudroam.openflow.address must be an IP address literal, not 'localhost'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OpenFlowAddress.checked("300.1.1.1"));
        assertThrows(IllegalArgumentException.class, () -> OpenFlowAddress.checked("127.0.0"));
        assertThrows(IllegalArgumentException.class, () -> OpenFlowAddress.checked("fe80::1%eth0"));
    }

    @Test
    void otherClassesAreLeftAlone() throws IOException {
        final byte[] original;
        try (InputStream in = OpenFlowAddressTest.class.getResourceAsStream("OpenFlowAddressTest.class")) {
            original = in.readAllBytes();
        }
        assertNull(OpenFlowAddress.rewrite(original, "127.0.0.2"));
    }
}
