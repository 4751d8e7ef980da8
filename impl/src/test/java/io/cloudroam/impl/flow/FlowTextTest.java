/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

import static io.cloudroam.impl.Fixtures.config;
import static io.cloudroam.impl.Fixtures.tunnel;
import static io.cloudroam.impl.Fixtures.view;
import static io.cloudroam.impl.Fixtures.vm;
import static io.cloudroam.impl.Fixtures.vmPort;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudroam.impl.config.PortBindingSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowTextTest {
    private final Map<String, FlowSpec> flows = io.cloudroam.impl.Fixtures.text(FlowCompiler.compile(
        config(new PortBindingSpec("c1", "tap-vm1", 100)),
        Map.of("c1", view(1, vmPort("tap-vm1", 1, null), tunnel(1, 2, 3))),
        List.of(vm(100, "02:c0:00:00:00:01", 1, 1, "10.0.0.1"), vm(100, "02:c0:00:00:00:05", 2, 1, "10.0.0.5")))
        .get(1L));

    private String text(final String key) {
        final var flow = flows.get(key);
        return FlowText.match(flow.match()) + " actions=" + FlowText.actions(flow);
    }

    @Test
    void writesFlowsAsOvsOfctlDoes() {
        // the right-hand sides are copied from ovs-ofctl -O OpenFlow13 dump-flows of the lab
        assertEquals("* actions=drop", text("0/miss"));
        assertEquals("in_port=1 actions=write_metadata:0x64/0x1ffffff,goto_table:10", text("0/port-1"));
        assertEquals("tun_id=0x64,in_port=3 actions=write_metadata:0x1000064/0x1ffffff,goto_table:10",
            text("0/tunnel-c2-100"));
        assertEquals("metadata=0x64/0x1ffffff,in_port=1,dl_src=02:c0:00:00:00:01 actions=goto_table:20",
            text("10/vm-100-02:c0:00:00:00:01"));
        assertEquals("* actions=CONTROLLER:65535,goto_table:20", text("10/miss"));
        assertEquals("arp,metadata=0x64/0x1ffffff,in_port=1,dl_src=02:c0:00:00:00:01 actions=CONTROLLER:65535,"
            + "goto_table:20", text("10/vm-100-02:c0:00:00:00:01-arp"));
        assertEquals("arp,metadata=0x64/0x1ffffff,dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa=10.0.0.5,arp_op=1 "
            + "actions=CONTROLLER:65535",
            text("20/arp-100-10.0.0.5"));
        assertEquals("metadata=0x64/0x1ffffff,dl_dst=02:c0:00:00:00:05 actions=set_field:0x64->tun_id,output:3",
            text("30/vm-100-02:c0:00:00:00:05"));
        assertEquals("metadata=0x64/0xffffff,dl_dst=02:c0:00:00:00:01 actions=output:1",
            text("30/vm-100-02:c0:00:00:00:01"));
    }
}
