/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.southbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudroam.impl.flow.FlowSpec;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.FlowId;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.tables.table.Flow;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.tables.table.FlowBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.FlowCookie;
import org.opendaylight.yangtools.yang.common.Uint64;
import org.opendaylight.yangtools.yang.common.Uint8;

class FrmFlowProgrammerTest {
    private static final long DPID = 2;

    private static FlowSpec output(final String id, final long port) {
        return new FlowSpec((short) 30, 100, id, FlowSpec.Match.ANY.ethDst(0x02c0_0000_0001L),
            List.of(new FlowSpec.Action.Output(port)), null, 0, null);
    }

    private static FrmFlowProgrammer.Key key(final FlowSpec spec) {
        return new FrmFlowProgrammer.Key(spec.table(), spec.id());
    }

    @Test
    void anEarlierRunsFlowsAreKeptWhenEqualRewrittenWhenNotAndDeletedWhenUnwanted() {
        final var same = output("vm-same", 3);
        final var changed = output("vm-changed", 5);
        final var fresh = output("vm-new", 7);
        final var existing = new HashMap<FrmFlowProgrammer.Key, Flow>();
        existing.put(key(same), FlowConverter.toFlow(DPID, same));
        existing.put(key(changed), FlowConverter.toFlow(DPID, output("vm-changed", 3)));
        final var gone = output("vm-gone", 9);
        existing.put(key(gone), FlowConverter.toFlow(DPID, gone));
        // another application's flow on the same switch: not cloudroam's cookie
        existing.put(new FrmFlowProgrammer.Key((short) 0, "theirs"), new FlowBuilder().setId(new FlowId("theirs"))
            .setTableId(Uint8.ZERO).setCookie(new FlowCookie(Uint64.valueOf(42))).build());
        final var adoption = FrmFlowProgrammer.adopt(DPID, existing, List.of(same, changed, fresh), List.of());
        assertEquals(1, adoption.kept(), "the equal one is not written again");
        assertEquals(List.of(changed, fresh), adoption.writes());
        assertEquals(List.of(new FrmFlowProgrammer.Key((short) 30, "vm-gone")), adoption.deletes(),
            "only cloudroam's unwanted flow goes");
    }

    @Test
    void withNothingStoredEveryFlowIsWritten() {
        final var flows = List.of(output("a", 1), output("b", 2));
        final var adoption = FrmFlowProgrammer.adopt(DPID, new HashMap<>(), flows, List.of());
        assertEquals(flows, adoption.writes());
        assertEquals(List.of(), adoption.deletes());
        assertEquals(0, adoption.kept());
    }
}
