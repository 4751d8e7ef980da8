/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.northbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudroam.impl.location.LocationTable;
import io.cloudroam.impl.location.VmLocation;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocateVmInputBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.IpAddress;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.Ipv4Address;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.Ipv6Address;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.opendaylight.yangtools.yang.common.Uint64;

class LocateVmRpcTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final LocationTable table = new LocationTable();
    private final LocateVmRpc rpc = new LocateVmRpc(table);

    @Test
    void unknownMacIsDataMissingWithAppTag() throws Exception {
        final var result = rpc.invoke(new LocateVmInputBuilder().setMac("02:00:00:00:00:09").build())
            .get();
        assertFalse(result.isSuccessful());
        final var error = result.getErrors().iterator().next();
        assertEquals(ErrorType.APPLICATION, error.getErrorType());
        assertEquals(ErrorTag.DATA_MISSING, error.getTag());
        assertEquals(LocateVmRpc.UNKNOWN_VM, error.getApplicationTag());
        assertEquals("no VM with MAC 02:00:00:00:00:09 is known on any virtual network", error.getMessage());
    }

    @Test
    void missingMacIsInvalidValue() throws Exception {
        final var result = rpc.invoke(new LocateVmInputBuilder().build()).get();
        assertFalse(result.isSuccessful());
        assertEquals(ErrorTag.INVALID_VALUE, result.getErrors().iterator().next().getTag());
    }

    @Test
    void malformedMacOrVniIsInvalidValueNamingTheValue() throws Exception {
        final var badMac = rpc.invoke(new LocateVmInputBuilder().setMac("02:00:00:00:00:zz").build()).get();
        final var macError = badMac.getErrors().iterator().next();
        assertEquals(ErrorTag.INVALID_VALUE, macError.getTag());
        assertTrue(macError.getMessage().contains("'02:00:00:00:00:zz'"), macError.getMessage());

        final var badVni = rpc.invoke(new LocateVmInputBuilder().setMac("02:00:00:00:00:01")
            .setVni(Uint32.valueOf(1 << 24)).build()).get();
        final var vniError = badVni.getErrors().iterator().next();
        assertEquals(ErrorTag.INVALID_VALUE, vniError.getTag());
        assertEquals("VNI must be between 1 and 16777215, got 16777216", vniError.getMessage());
    }

    @Test
    void findsKnownVmInAnyCaseOnItsVni() throws Exception {
        table.put(new VmLocation(100, io.cloudroam.impl.location.MacAddress.parse("02:00:00:00:00:0a"), "c2",
            -2L, 7, Set.of("10.0.0.10", "fd00::a"), 3, T0, T0.plusMillis(1500)));

        final var result = rpc.invoke(new LocateVmInputBuilder().setMac("02:00:00:00:00:0A")
            .setVni(Uint32.valueOf(100)).build()).get();
        assertTrue(result.isSuccessful(), () -> result.getErrors().toString());
        final var out = result.getResult();
        assertEquals("c2", out.getCloud().getValue());
        assertEquals(Uint64.valueOf("18446744073709551614"), out.getSwitch().getValue());
        assertEquals(Uint32.valueOf(7), out.getPort());
        assertEquals(Uint32.valueOf(3), out.getSequence());
        assertEquals("02:00:00:00:00:0a", out.getMac().getValue());
        assertEquals(Set.of(new IpAddress(new Ipv4Address("10.0.0.10")), new IpAddress(new Ipv6Address("fd00::a"))),
            out.getIpAddress());
        assertEquals("2026-11-25T10:00:01.500Z", out.getLastSeen().getValue());

        final var elsewhere = rpc.invoke(new LocateVmInputBuilder().setMac("02:00:00:00:00:0a")
            .setVni(Uint32.valueOf(200)).build()).get();
        assertFalse(elsewhere.isSuccessful());
        assertEquals("no VM with MAC 02:00:00:00:00:0a is known on virtual network 200",
            elsewhere.getErrors().iterator().next().getMessage());
    }
}
