/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.packet;

import io.cloudroam.impl.packet.DecodedFrame.Kind;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decodes the frames a switch sends to the controller (packet-in payloads): Ethernet II, one
 * 802.1Q tag, ARP, RARP, IPv4, IPv6 and ICMPv6 neighbor discovery.
 *
 * <p>Reads the caller's buffer in place and copies nothing. Malformed input never throws: it
 * yields an empty result and counts the reason, so a hostile or broken VM costs a counter, not a
 * stack trace on the packet-in path. Thread-safe; one instance can serve every switch.
 */
public final class FrameDecoder {
    /**
     * Why a frame was not decoded.
     */
    public enum Reject {
        /** Shorter than the headers it announces, or an offset/length outside the buffer. */
        TRUNCATED,
        /** ARP or RARP that is not Ethernet/IPv4 (hardware type 1, protocol 0x0800, lengths 6 and 4). */
        BAD_ARP,
        /** IPv4 header with a wrong version, header length or total length. */
        BAD_IPV4,
        /** IPv6 header with a wrong version or payload length. */
        BAD_IPV6,
        /** Neighbor discovery with a hop limit other than 255 (RFC 4861), or a broken option. */
        BAD_ND
    }

    static final int ETH_HEADER = 14;
    static final int ETHERTYPE_VLAN = 0x8100;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_RARP = 0x8035;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86DD;
    static final int PROTO_ICMPV6 = 58;
    static final int ND_SOLICITATION = 135;
    static final int ND_ADVERTISEMENT = 136;

    private final Map<Reject, LongAdder> rejected = new EnumMap<>(Reject.class);
    private final LongAdder decoded = new LongAdder();

    /**
     * Creates a decoder with zeroed counters.
     */
    public FrameDecoder() {
        for (var reason : Reject.values()) {
            rejected.put(reason, new LongAdder());
        }
    }

    /**
     * Decodes a whole buffer.
     *
     * @param frame the frame, starting at the destination MAC
     * @return what the frame is, or empty when it is malformed
     */
    public Optional<DecodedFrame> decode(final byte[] frame) {
        return decode(frame, 0, frame.length);
    }

    /**
     * Decodes {@code length} bytes of {@code buffer} from {@code offset}.
     *
     * @param buffer the buffer
     * @param offset where the frame starts
     * @param length how long the frame is
     * @return what the frame is, or empty when it is malformed or outside the buffer
     */
    public Optional<DecodedFrame> decode(final byte[] buffer, final int offset, final int length) {
        if (offset < 0 || length < 0 || offset > buffer.length - length || length < ETH_HEADER) {
            return reject(Reject.TRUNCATED);
        }
        final int end = offset + length;
        final long dst = mac(buffer, offset);
        final long src = mac(buffer, offset + 6);
        int etherType = u16(buffer, offset + 12);
        int l3 = offset + ETH_HEADER;
        int vlan = -1;
        if (etherType == ETHERTYPE_VLAN) {
            if (end - l3 < 4) {
                return reject(Reject.TRUNCATED);
            }
            vlan = u16(buffer, l3) & 0x0FFF;
            etherType = u16(buffer, l3 + 2);
            l3 += 4;
        }
        return switch (etherType) {
            case ETHERTYPE_ARP, ETHERTYPE_RARP -> arp(buffer, l3, end, dst, src, vlan, etherType);
            case ETHERTYPE_IPV4 -> ipv4(buffer, l3, end, dst, src, vlan);
            case ETHERTYPE_IPV6 -> ipv6(buffer, l3, end, dst, src, vlan);
            default -> accept(new DecodedFrame(Kind.ETHERNET, dst, src, vlan, etherType, 0, 0, 0, 0, -1, -1, 0, -1,
                0));
        };
    }

    private Optional<DecodedFrame> arp(final byte[] buf, final int at, final int end, final long dst, final long src,
            final int vlan, final int etherType) {
        if (end - at < 28) {
            return reject(Reject.TRUNCATED);
        }
        if (u16(buf, at) != 1 || u16(buf, at + 2) != ETHERTYPE_IPV4 || u8(buf, at + 4) != 6 || u8(buf, at + 5) != 4) {
            return reject(Reject.BAD_ARP);
        }
        final var kind = etherType == ETHERTYPE_ARP ? Kind.ARP : Kind.RARP;
        return accept(new DecodedFrame(kind, dst, src, vlan, etherType, u16(buf, at + 6), mac(buf, at + 8),
            i32(buf, at + 14), i32(buf, at + 24), -1, -1, 0, -1, 0));
    }

    private Optional<DecodedFrame> ipv4(final byte[] buf, final int at, final int end, final long dst, final long src,
            final int vlan) {
        if (end - at < 20) {
            return reject(Reject.TRUNCATED);
        }
        final int versionIhl = u8(buf, at);
        final int headerLength = (versionIhl & 0x0F) * 4;
        final int totalLength = u16(buf, at + 2);
        if (versionIhl >> 4 != 4 || headerLength < 20 || totalLength < headerLength) {
            return reject(Reject.BAD_IPV4);
        }
        if (end - at < totalLength) {
            return reject(Reject.TRUNCATED);
        }
        return accept(new DecodedFrame(Kind.IPV4, dst, src, vlan, ETHERTYPE_IPV4, 0, 0, i32(buf, at + 12),
            i32(buf, at + 16), u8(buf, at + 9), -1, 0, -1, 0));
    }

    private Optional<DecodedFrame> ipv6(final byte[] buf, final int at, final int end, final long dst, final long src,
            final int vlan) {
        if (end - at < 40) {
            return reject(Reject.TRUNCATED);
        }
        if (u8(buf, at) >> 4 != 6) {
            return reject(Reject.BAD_IPV6);
        }
        final int payloadLength = u16(buf, at + 4);
        final int nextHeader = u8(buf, at + 6);
        if (end - at - 40 < payloadLength) {
            return reject(Reject.TRUNCATED);
        }
        final int icmp = at + 40;
        if (nextHeader != PROTO_ICMPV6 || payloadLength < 1) {
            return accept(ip6(Kind.IPV6, dst, src, vlan, nextHeader, at, 0, -1, 0, 0));
        }
        final int type = u8(buf, icmp);
        if (type != ND_SOLICITATION && type != ND_ADVERTISEMENT) {
            return accept(ip6(Kind.IPV6, dst, src, vlan, nextHeader, at, 0, -1, 0, 0));
        }
        if (payloadLength < 24) {
            return reject(Reject.TRUNCATED);
        }
        if (u8(buf, at + 7) != 255) {
            return reject(Reject.BAD_ND);
        }
        // options: type, length in units of 8 bytes (0 is invalid), value; stop at the payload's end
        final int optionsEnd = icmp + payloadLength;
        final int wanted = type == ND_SOLICITATION ? 1 : 2;
        long linkLayer = 0;
        for (int option = icmp + 24; option < optionsEnd; ) {
            if (optionsEnd - option < 2) {
                return reject(Reject.BAD_ND);
            }
            final int optionLength = u8(buf, option + 1) * 8;
            if (optionLength == 0 || optionsEnd - option < optionLength) {
                return reject(Reject.BAD_ND);
            }
            if (u8(buf, option) == wanted && optionLength >= 8) {
                linkLayer = mac(buf, option + 2);
            }
            option += optionLength;
        }
        return accept(ip6(Kind.IPV6_ND, dst, src, vlan, nextHeader, at, type, icmp + 8,
            type == ND_ADVERTISEMENT ? u8(buf, icmp + 4) : 0, linkLayer));
    }

    private static DecodedFrame ip6(final Kind kind, final long dst, final long src, final int vlan,
            final int nextHeader, final int at, final int ndType, final int ndTarget, final int ndFlags,
            final long linkLayer) {
        return new DecodedFrame(kind, dst, src, vlan, ETHERTYPE_IPV6, 0, linkLayer, 0, 0, nextHeader, at + 8, ndType,
            ndTarget, ndFlags);
    }

    private Optional<DecodedFrame> accept(final DecodedFrame frame) {
        decoded.increment();
        return Optional.of(frame);
    }

    private Optional<DecodedFrame> reject(final Reject reason) {
        rejected.get(reason).increment();
        return Optional.empty();
    }

    /**
     * Returns how many frames were rejected for {@code reason}.
     *
     * @param reason the reason
     * @return the count since creation
     */
    public long rejected(final Reject reason) {
        return rejected.get(reason).sum();
    }

    /**
     * Returns how many frames were decoded.
     *
     * @return the count since creation
     */
    public long decoded() {
        return decoded.sum();
    }

    static int u8(final byte[] buf, final int at) {
        return buf[at] & 0xFF;
    }

    static int u16(final byte[] buf, final int at) {
        return (buf[at] & 0xFF) << 8 | buf[at + 1] & 0xFF;
    }

    static int i32(final byte[] buf, final int at) {
        return u16(buf, at) << 16 | u16(buf, at + 2);
    }

    static long mac(final byte[] buf, final int at) {
        return (long) u16(buf, at) << 32 | i32(buf, at + 2) & 0xFFFF_FFFFL;
    }
}
