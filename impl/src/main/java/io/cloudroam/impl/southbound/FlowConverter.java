/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.southbound;

import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.flow.Ipv4;
import io.cloudroam.impl.flow.Pipeline;
import io.cloudroam.impl.location.MacAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.Ipv4Prefix;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.Uri;
import org.opendaylight.yang.gen.v1.urn.opendaylight.action.types.rev131112.action.action.OutputActionCaseBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.action.types.rev131112.action.action.SetFieldCaseBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.action.types.rev131112.action.action.output.action._case.OutputActionBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.action.types.rev131112.action.action.set.field._case.SetFieldBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.action.types.rev131112.action.list.Action;
import org.opendaylight.yang.gen.v1.urn.opendaylight.action.types.rev131112.action.list.ActionBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.FlowId;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.tables.table.Flow;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.inventory.rev130819.tables.table.FlowBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.FlowCookie;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.flow.InstructionsBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.flow.MatchBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.instruction.instruction.ApplyActionsCaseBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.instruction.instruction.GoToTableCaseBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.instruction.instruction.WriteMetadataCaseBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.instruction.instruction.apply.actions._case.ApplyActionsBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.instruction.instruction.go.to.table._case.GoToTableBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.instruction.instruction.write.metadata._case.WriteMetadataBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.instruction.list.Instruction;
import org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.instruction.list.InstructionBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.NodeConnectorId;
import org.opendaylight.yang.gen.v1.urn.opendaylight.l2.types.rev130827.EtherType;
import org.opendaylight.yang.gen.v1.urn.opendaylight.model.match.types.rev131026.ethernet.match.fields.EthernetDestinationBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.model.match.types.rev131026.ethernet.match.fields.EthernetSourceBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.model.match.types.rev131026.ethernet.match.fields.EthernetTypeBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.model.match.types.rev131026.match.EthernetMatchBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.model.match.types.rev131026.match.MetadataBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.model.match.types.rev131026.match.TunnelBuilder;
import org.opendaylight.yang.gen.v1.urn.opendaylight.model.match.types.rev131026.match.layer._3.match.ArpMatchBuilder;
import org.opendaylight.yangtools.binding.util.BindingMap;
import org.opendaylight.yangtools.yang.common.Uint16;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.opendaylight.yangtools.yang.common.Uint64;
import org.opendaylight.yangtools.yang.common.Uint8;

/**
 * Converts cloudroam's flows into the OpenFlow plugin's inventory model.
 */
final class FlowConverter {
    private FlowConverter() {
    }

    static Flow toFlow(final long datapathId, final FlowSpec spec) {
        final var instructions = new ArrayList<Instruction>();
        if (!spec.actions().isEmpty()) {
            instructions.add(new InstructionBuilder().setOrder(instructions.size())
                .setInstruction(new ApplyActionsCaseBuilder().setApplyActions(new ApplyActionsBuilder()
                    .setAction(BindingMap.ordered(actions(spec.actions()))).build()).build())
                .build());
        }
        if (spec.metadata() != null) {
            instructions.add(new InstructionBuilder().setOrder(instructions.size())
                .setInstruction(new WriteMetadataCaseBuilder().setWriteMetadata(new WriteMetadataBuilder()
                    .setMetadata(uint64(spec.metadata())).setMetadataMask(uint64(spec.metadataMask())).build())
                    .build())
                .build());
        }
        if (spec.gotoTable() != null) {
            instructions.add(new InstructionBuilder().setOrder(instructions.size())
                .setInstruction(new GoToTableCaseBuilder().setGoToTable(new GoToTableBuilder()
                    .setTableId(Uint8.valueOf(spec.gotoTable())).build()).build())
                .build());
        }
        return new FlowBuilder()
            .setId(new FlowId(spec.id()))
            .setTableId(Uint8.valueOf(spec.table()))
            .setPriority(Uint16.valueOf(spec.priority()))
            .setFlowName("cloudroam " + spec.id())
            .setCookie(new FlowCookie(uint64(spec.cookie())))
            .setCookieMask(new FlowCookie(uint64(-1L)))
            .setHardTimeout(Uint16.ZERO)
            .setIdleTimeout(Uint16.ZERO)
            .setStrict(Boolean.TRUE)
            .setBarrier(Boolean.FALSE)
            .setMatch(match(datapathId, spec.match()))
            .setInstructions(new InstructionsBuilder().setInstruction(BindingMap.ordered(instructions)).build())
            .build();
    }

    private static org.opendaylight.yang.gen.v1.urn.opendaylight.flow.types.rev131026.flow.Match match(
            final long datapathId, final FlowSpec.Match spec) {
        final var match = new MatchBuilder();
        if (spec.inPort() != null) {
            match.setInPort(new NodeConnectorId(nodeId(datapathId) + ":" + spec.inPort()));
        }
        if (spec.metadata() != null) {
            match.setMetadata(new MetadataBuilder().setMetadata(uint64(spec.metadata()))
                .setMetadataMask(uint64(spec.metadataMask())).build());
        }
        if (spec.tunnelId() != null) {
            match.setTunnel(new TunnelBuilder().setTunnelId(uint64(spec.tunnelId())).build());
        }
        if (spec.ethSrc() != null || spec.ethDst() != null || spec.ethType() != null) {
            final var ethernet = new EthernetMatchBuilder();
            if (spec.ethSrc() != null) {
                ethernet.setEthernetSource(new EthernetSourceBuilder().setAddress(mac(spec.ethSrc())).build());
            }
            if (spec.ethDst() != null) {
                ethernet.setEthernetDestination(new EthernetDestinationBuilder().setAddress(mac(spec.ethDst()))
                    .build());
            }
            if (spec.ethType() != null) {
                ethernet.setEthernetType(new EthernetTypeBuilder()
                    .setType(new EtherType(Uint32.valueOf(spec.ethType()))).build());
            }
            match.setEthernetMatch(ethernet.build());
        }
        if (spec.arpOp() != null) {
            final var arp = new ArpMatchBuilder().setArpOp(Uint16.valueOf(spec.arpOp()));
            if (spec.arpTpa() != null) {
                arp.setArpTargetTransportAddress(new Ipv4Prefix(Ipv4.format(spec.arpTpa()) + "/32"));
            }
            match.setLayer3Match(arp.build());
        }
        return match.build();
    }

    private static List<Action> actions(final List<FlowSpec.Action> specs) {
        final var actions = new ArrayList<Action>();
        for (var spec : specs) {
            for (var action : actionCases(spec)) {
                actions.add(new ActionBuilder().setOrder(actions.size()).setAction(action).build());
            }
        }
        return actions;
    }

    private static List<org.opendaylight.yang.gen.v1.urn.opendaylight.action.types.rev131112.action.Action>
            actionCases(final FlowSpec.Action spec) {
        return switch (spec) {
            case FlowSpec.Action.Output output -> List.of(new OutputActionCaseBuilder()
                .setOutputAction(new OutputActionBuilder()
                    .setOutputNodeConnector(new Uri(output.port() == Pipeline.CONTROLLER ? "CONTROLLER"
                        : Long.toString(output.port())))
                    .setMaxLength(Uint16.MAX_VALUE).build())
                .build());
            case FlowSpec.Action.SetTunnelId tunnel -> List.of(new SetFieldCaseBuilder()
                .setSetField(new SetFieldBuilder().setTunnel(new TunnelBuilder()
                    .setTunnelId(uint64(tunnel.tunnelId())).build()).build())
                .build());
        };
    }

    static String nodeId(final long datapathId) {
        return "openflow:" + Long.toUnsignedString(datapathId);
    }

    private static org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.yang.types.rev130715.MacAddress mac(
            final long bits) {
        return new org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.yang.types.rev130715.MacAddress(
            MacAddress.of(bits).toString());
    }

    private static Uint64 uint64(final long value) {
        return Uint64.valueOf(new BigInteger(Long.toUnsignedString(value)));
    }
}
