/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.northbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Cloudroam;
import org.opendaylight.yangtools.binding.runtime.spi.BindingRuntimeHelpers;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;

class InputCheckTest {
    private static EffectiveModelContext context;

    @BeforeAll
    static void model() {
        context = BindingRuntimeHelpers.createEffectiveModel(Cloudroam.class);
    }

    private static Optional<InputCheck.Problem> check(final String method, final String path, final String body) {
        return InputCheck.check(context, method, path, JsonParser.parseString(body));
    }

    private static void assertProblem(final String errorPath, final String message,
            final Optional<InputCheck.Problem> problem) {
        assertEquals(Optional.of(new InputCheck.Problem("invalid-value", errorPath, message)), problem);
    }

    @Test
    void aValidConfigurationPasses() {
        assertEquals(Optional.empty(), check("PUT", "/data/cloudroam:cloudroam", """
            {"cloudroam:cloudroam": {"flow-programming": "rpc", "mobility": {"flap-moves": 8},
              "cloud": [{"id": "c1", "tunnel-endpoint": "192.0.2.1", "switch": ["1"],
                         "ovsdb": {"address": "127.0.0.1", "port": 16641}}],
              "virtual-network": [{"vni": 100, "name": "blue", "cloud": ["c1"], "mode": "triangle"}],
              "port-binding": [{"cloud": "c1", "port": "vm1", "vni": 100}]}}"""));
        // hexadecimal and string-encoded integers are valid YANG integers
        assertEquals(Optional.empty(), check("PATCH", "/data/cloudroam:cloudroam/routing",
            "{\"cloudroam:routing\": {\"probe-interval\": \"0x3e8\", \"probe-loss\": \"3\"}}"));
    }

    @Test
    void aWrongTypeNamesTheLeaf() {
        assertProblem("/cloudroam:cloudroam/virtual-network[vni='blue']/vni",
            "cloudroam/virtual-network[vni='blue']/vni: 'blue' is not an integer",
            check("PUT", "/data/cloudroam:cloudroam/virtual-network=100",
                "{\"cloudroam:virtual-network\": [{\"vni\": \"blue\"}]}"));
        assertProblem("/cloudroam:cloudroam/virtual-network[vni='7']/mode",
            "cloudroam/virtual-network[vni='7']/mode: 'sideways' is not one of optimal, triangle, reactive",
            check("POST", "/data/cloudroam:cloudroam",
                "{\"cloudroam:virtual-network\": [{\"vni\": 7, \"mode\": \"sideways\"}]}"));
    }

    @Test
    void aValueOutOfRangeSaysTheRange() {
        assertProblem("/cloudroam:cloudroam/mobility/flap-moves",
            "cloudroam/mobility/flap-moves: 1 is out of range 2..1000",
            check("PATCH", "/data/cloudroam:cloudroam",
                "{\"cloudroam:cloudroam\": {\"mobility\": {\"flap-moves\": 1}}}"));
        assertProblem("/cloudroam:cloudroam/virtual-network[vni='0']/vni",
            "cloudroam/virtual-network[vni='0']/vni: 0 is out of range 1..16777215",
            check("PUT", "/data", "{\"cloudroam:cloudroam\": {\"virtual-network\": [{\"vni\": 0}]}}"));
        // a union of ranges is listed whole
        assertProblem("/cloudroam:cloudroam/routing/probe-interval",
            "cloudroam/routing/probe-interval: 50 is out of range 0..0 | 100..60000",
            check("PATCH", "/data/cloudroam:cloudroam/routing", "{\"cloudroam:routing\": {\"probe-interval\": 50}}"));
    }

    @Test
    void stringsAreCheckedForLengthAndPattern() {
        assertProblem("/cloudroam:cloudroam/cloud[id='c 1']/id",
            "cloudroam/cloud[id='c 1']/id: 'c 1' does not match the pattern [A-Za-z0-9][A-Za-z0-9._-]*",
            check("PUT", "/data/cloudroam:cloudroam/cloud=c%201",
                "{\"cloudroam:cloud\": [{\"id\": \"c 1\", \"tunnel-endpoint\": \"192.0.2.1\"}]}"));
        assertProblem("/cloudroam:cloudroam/virtual-network[vni='5']/name",
            "cloudroam/virtual-network[vni='5']/name: length 65 is not in 1..64",
            check("PATCH", "/data/cloudroam:cloudroam/virtual-network=5",
                "{\"cloudroam:virtual-network\": [{\"vni\": 5, \"name\": \"" + "n".repeat(65) + "\"}]}"));
    }

    @Test
    void rpcInputIsChecked() {
        assertProblem("/cloudroam:locate-vm/input/vni", "locate-vm/input/vni: 'abc' is not an integer",
            check("POST", "/operations/cloudroam:locate-vm", "{\"input\": {\"mac\": \"x\", \"vni\": \"abc\"}}"));
        // the MAC is a loose string: the RPC checks it and answers itself
        assertEquals(Optional.empty(), check("POST", "/operations/cloudroam:locate-vm",
            "{\"input\": {\"mac\": \"not-a-mac\", \"vni\": 4}}"));
    }

    @Test
    void theStructureIsCheckedToo() {
        // netconf 9.0.1 answers each of these with a bare 500
        assertEquals(Optional.of(new InputCheck.Problem("unknown-element", "/cloudroam:cloudroam/cloud[id='c1']",
            "cloudroam/cloud[id='c1']: unknown member 'colour'")), check("PUT", "/data/cloudroam:cloudroam/cloud=c1",
            "{\"cloudroam:cloud\": [{\"id\": \"c1\", \"tunnel-endpoint\": \"192.0.2.1\", \"colour\": 3}]}"));
        assertProblem("/cloudroam:cloudroam/mobility", "cloudroam/mobility: expects a JSON object, not [1,2]",
            check("PUT", "/data/cloudroam:cloudroam/mobility", "{\"cloudroam:mobility\": [1, 2]}"));
        assertProblem("/cloudroam:cloudroam/mobility/flap-moves",
            "cloudroam/mobility/flap-moves: expects a single value, not {}",
            check("PATCH", "/data/cloudroam:cloudroam/mobility", "{\"cloudroam:mobility\": {\"flap-moves\": {}}}"));
        assertProblem("/cloudroam:locate-vm/input/vni", "locate-vm/input/vni: expects a single value, not null",
            check("POST", "/operations/cloudroam:locate-vm", "{\"input\": {\"mac\": \"x\", \"vni\": null}}"));
        assertEquals("unknown-element", check("POST", "/operations/cloudroam:locate-vm",
            "{\"Qnput\": {\"mac\": \"x\"}}").orElseThrow().errorTag());
        assertEquals("unknown-element", check("PUT", "/data/cloudroam:cloudroam/mobility",
            "{\"cloudroam:routing\": {}}").orElseThrow().errorTag());
        // a member name that cannot be a YANG identifier at all
        assertEquals(Optional.of(new InputCheck.Problem("unknown-element", "/cloudroam:cloudroam/mobility",
            "cloudroam/mobility: unknown member 'v;rify-timeout'")), check("PUT", "/data/cloudroam:cloudroam/mobility",
            "{\"cloudroam:mobility\": {\"v;rify-timeout\": 200}}"));
        assertEquals(Optional.of(new InputCheck.Problem("malformed-message", "", "the body: not a JSON object")),
            check("PUT", "/data/cloudroam:cloudroam/mobility", "[]"));
    }

    @Test
    void whatItCannotJudgeIsLeftToRestconf() {
        // unions (ip-address), other modules, paths outside the model
        assertEquals(Optional.empty(), check("PUT", "/data/cloudroam:cloudroam/cloud=c1",
            "{\"cloudroam:cloud\": [{\"id\": \"c1\", \"tunnel-endpoint\": \"not-an-ip\"}]}"));
        assertEquals(Optional.empty(), check("PUT", "/data/network-topology:network-topology",
            "{\"network-topology:network-topology\": {}}"));
        assertEquals(Optional.empty(), check("PUT", "/data/network-topology:network-topology", "[]"));
        assertEquals(Optional.empty(), check("PUT", "/data/cloudroam:nothing-here", "{\"cloudroam:x\": 1}"));
    }
}
