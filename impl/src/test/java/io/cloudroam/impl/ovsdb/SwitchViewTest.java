/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.ovsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SwitchViewTest {
    // RFC 7047 table-updates as ovsdb-server sends them for a bridge with one VM port and one tunnel
    private static final String INITIAL = """
        {"Bridge": {"b1": {"new": {"name": "br-int", "datapath_id": "0000000000000001",
                                   "ports": ["set", [["uuid", "p1"], ["uuid", "p2"]]]}}},
         "Port": {"p1": {"new": {"name": "tap-vm1", "interfaces": ["uuid", "i1"]}},
                  "p2": {"new": {"name": "crv-c2", "interfaces": ["uuid", "i2"]}}},
         "Interface": {
           "i1": {"new": {"name": "tap-vm1", "type": "", "ofport": 1,
                          "external_ids": ["map", [["iface-id", "vm1"]]], "options": ["map", []],
                          "bfd_status": ["map", []], "link_state": "up"}},
           "i2": {"new": {"name": "crv-c2", "type": "vxlan", "ofport": ["set", []],
                          "external_ids": ["map", [["cloudroam-remote-cloud", "c2"]]],
                          "options": ["map", [["key", "flow"], ["remote_ip", "192.0.2.2"]]],
                          "bfd": ["map", [["enable", "true"], ["min_rx", "250"]]],
                          "bfd_status": ["map", [["state", "down"]]], "link_state": ["set", []]}}}}
        """;

    @Test
    void readsBridgesPortsAndInterfaces() {
        final var tables = new OvsdbTables();
        tables.apply(JsonParser.parseString(INITIAL).getAsJsonObject());
        final var view = SwitchView.of(tables);
        final var bridge = view.bridge(1).orElseThrow();
        assertEquals("br-int", bridge.name());
        assertEquals(2, bridge.interfaces().size());
        final var vm = bridge.interfaces().stream().filter(i -> i.name().equals("tap-vm1")).findFirst().orElseThrow();
        assertEquals(Optional.of(1L), vm.usablePort());
        assertEquals(Map.of("iface-id", "vm1"), vm.externalIds());
        assertEquals(Optional.empty(), vm.remoteCloud());
        final var tunnel = bridge.interfaces().stream().filter(i -> i.name().equals("crv-c2")).findFirst()
            .orElseThrow();
        assertEquals(Optional.empty(), tunnel.ofport(), "an empty set is 'no port number yet'");
        assertEquals(Optional.of("c2"), tunnel.remoteCloud());
        assertEquals("192.0.2.2", tunnel.options().get("remote_ip"));
        assertEquals("down", tunnel.bfdStatus().get("state"));
        assertEquals(Map.of("enable", "true", "min_rx", "250"), tunnel.bfd());
        assertEquals(Map.of(), vm.bfd(), "no bfd column, no settings");
        assertEquals(Optional.empty(), tunnel.linkState());
    }

    @Test
    void updatesReplaceAndDeleteRows() {
        final var tables = new OvsdbTables();
        tables.apply(JsonParser.parseString(INITIAL).getAsJsonObject());
        tables.apply(JsonParser.parseString("""
            {"Interface": {"i2": {"old": {"ofport": ["set", []]}, "new": {"name": "crv-c2", "type": "vxlan",
                                   "ofport": 7, "external_ids": ["map", [["cloudroam-remote-cloud", "c2"]]],
                                   "options": ["map", []], "bfd_status": ["map", [["state", "up"]]],
                                   "link_state": "up"}},
                           "i1": {"old": {"name": "tap-vm1"}}}}
            """).getAsJsonObject());
        final var bridge = SwitchView.of(tables).bridge(1).orElseThrow();
        assertEquals(List.of("crv-c2"), bridge.interfaces().stream().map(SwitchView.Interface::name).toList());
        assertEquals(Optional.of(7L), bridge.interfaces().get(0).usablePort());
        assertEquals("up", bridge.interfaces().get(0).bfdStatus().get("state"));
    }

    @Test
    void aFailedPortIsNotUsableAndABridgeWithoutDatapathIdIsNotFound() {
        final var tables = new OvsdbTables();
        tables.apply(JsonParser.parseString("""
            {"Bridge": {"b1": {"new": {"name": "br-x", "datapath_id": ["set", []], "ports": ["uuid", "p1"]}}},
             "Port": {"p1": {"new": {"name": "bad", "interfaces": ["uuid", "i1"]}}},
             "Interface": {"i1": {"new": {"name": "bad", "type": "", "ofport": -1}}}}
            """).getAsJsonObject());
        final var view = SwitchView.of(tables);
        assertTrue(view.bridge(1).isEmpty());
        final var iface = view.bridges().get(0).interfaces().get(0);
        assertEquals(Optional.of(-1L), iface.ofport());
        assertEquals(Optional.empty(), iface.usablePort());
    }
}
