/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.agent;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.MethodModel;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.InetAddress;
import java.security.ProtectionDomain;

/**
 * Binds OpenFlow's listeners to one address when the JVM is started with
 * {@code -Dcloudroam.openflow.address=ADDRESS}.
 *
 * <p>openflowjava takes its listener settings (port, optional address) from the configuration
 * datastore, which a cluster replicates: every member reads the same, and without an address every
 * member binds the wildcard. Three members on one machine (each on its own loopback address, as
 * {@code ./cloudroam cluster} runs them) would then fight over port 6653. With the property set,
 * {@code ConnectionConfigurationImpl.getAddress()} answers this member's address whenever the
 * configuration names none; a configured address still wins. Without the property nothing is
 * rewritten.
 */
final class OpenFlowAddress implements ClassFileTransformer {
    static final String PROPERTY = "cloudroam.openflow.address";
    static final String CONNECTION_CONFIGURATION =
        "org/opendaylight/openflowjava/protocol/impl/core/ConnectionConfigurationImpl";

    private static final ClassDesc CD_INET_ADDRESS = ClassDesc.of("java.net.InetAddress");

    private final String address;

    private OpenFlowAddress(final String address) {
        this.address = address;
    }

    /**
     * Installs the rewrite when {@value #PROPERTY} is set.
     *
     * @param instrumentation from the agent's premain
     * @return whether it was installed
     * @throws IllegalArgumentException when the property is not an IP address literal
     */
    static boolean install(final Instrumentation instrumentation) {
        final var address = System.getProperty(PROPERTY);
        if (address == null || address.isBlank()) {
            return false;
        }
        instrumentation.addTransformer(new OpenFlowAddress(checked(address.strip())));
        return true;
    }

    /**
     * Checks that the value is an IP address literal (no name lookup happens in the rewritten code).
     *
     * @param address the value of {@value #PROPERTY}
     * @return the value
     */
    static String checked(final String address) {
        // a literal by its shape: InetAddress.getByName would look anything else up in DNS
        final boolean literal = address.contains(":") ? isIpv6(address) : isIpv4(address);
        if (!literal) {
            throw new IllegalArgumentException(PROPERTY + " must be an IP address literal, not '" + address + "'");
        }
        return address;
    }

    private static boolean isIpv4(final String address) {
        final var parts = address.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (var part : parts) {
            if (!part.matches("[0-9]{1,3}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(final String address) {
        if (!address.matches("[0-9a-fA-F:.]+")) {
            return false;
        }
        try {
            // only hex digits, colons and dots: parsed as a literal, never looked up
            InetAddress.getByName(address);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Override
    @SuppressFBWarnings(value = "PZLA_PREFER_ZERO_LENGTH_ARRAYS",
        justification = "null is ClassFileTransformer's contract for 'leave this class as it is'")
    public byte[] transform(final Module module, final ClassLoader loader, final String className,
            final Class<?> classBeingRedefined, final ProtectionDomain protectionDomain, final byte[] classfileBuffer) {
        if (!CONNECTION_CONFIGURATION.equals(className)) {
            return null;
        }
        return rewrite(classfileBuffer, address);
    }

    /**
     * Rewrites {@code getAddress()} of a class that keeps the configured address in a field
     * {@code address}: the field when it is set, else {@code InetAddress.getByName(address)}.
     *
     * @param classfile the class
     * @param address the address to answer when the field is null
     * @return the rewritten class, or null when the class has no such method
     */
    static byte[] rewrite(final byte[] classfile, final String address) {
        return SubjectBridge.rewrite(classfile, OpenFlowAddress::isGetAddress,
            (method, code) -> fieldOr(method, code, address)).orElse(null);
    }

    static boolean isGetAddress(final MethodModel method) {
        return method.methodName().equalsString("getAddress")
            && method.methodType().equalsString("()Ljava/net/InetAddress;");
    }

    private static void fieldOr(final MethodModel method, final CodeBuilder code, final String address) {
        final var owner = method.parent().orElseThrow().thisClass().asSymbol();
        final var done = code.newLabel();
        code.aload(0)
            .getfield(owner, "address", CD_INET_ADDRESS)
            .dup()
            .ifnonnull(done)
            .pop()
            .ldc(address)
            .invokestatic(CD_INET_ADDRESS, "getByName", MethodTypeDesc.of(CD_INET_ADDRESS, ConstantDescs.CD_String))
            .labelBinding(done)
            .areturn();
    }
}
