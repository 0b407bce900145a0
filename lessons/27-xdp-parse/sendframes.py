#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Send hand-made Ethernet frames, good and broken, out of an interface.

    sendframes.py IFACE list          the frame names and the class each expects
    sendframes.py IFACE all           send every frame once, in list order
    sendframes.py IFACE NAME...       send these frames, in this order

NAME may also be one of the EXERCISE frames (IPv6 extension header chains,
for the README's exercise), which `list` and `all` leave out.

Frames go to the test network's veth0 (02:00:0a:0b:00:01) through a raw
AF_PACKET socket, which sends the bytes exactly as built: nothing in the
kernel fixes a bad length or checksum on the way.  Checksums are left 0:
the XDP parser does not look at them.
"""
import socket
import struct
import sys

DST_MAC = bytes.fromhex("02000a0b0001")
SRC_MAC = bytes.fromhex("02000a0b0002")
SRC4, DST4 = socket.inet_aton("10.11.0.2"), socket.inet_aton("10.11.0.1")
SRC6 = socket.inet_pton(socket.AF_INET6, "fd00::2")
DST6 = socket.inet_pton(socket.AF_INET6, "fd00::1")


def eth(ethertype, payload, tags=()):
    """Ethernet header; tags is a list of (TPID, VLAN ID), outermost first."""
    hdr = DST_MAC + SRC_MAC
    for tpid, vid in tags:
        hdr += struct.pack("!HH", tpid, vid)
    return hdr + struct.pack("!H", ethertype) + payload


def ipv4(proto, payload, ihl=5, version=4, tot_len=None, frag=0):
    opts = b"\x01" * (max(ihl, 5) * 4 - 20)  # NOP options
    if tot_len is None:
        tot_len = 20 + len(opts) + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", version << 4 | ihl, 0, tot_len, 1, frag, 64, proto, 0,
                      SRC4, DST4)
    return hdr + opts + payload


def ipv6(nexthdr, payload, version=6):
    return struct.pack("!IHBB16s16s", version << 28, len(payload), nexthdr, 64, SRC6,
                       DST6) + payload


def opts6(nexthdr, units=0):
    """A hop-by-hop or destination options header of (units + 1) * 8 bytes:
    next header, length in 8-byte units past the first 8, then one PadN
    option filling the rest."""
    size = (units + 1) * 8
    return struct.pack("!BBBB", nexthdr, units, 1, size - 4) + bytes(size - 4)


def routing6(nexthdr, units=0):
    """A routing header, type 0 with no segments left: a node passes it by."""
    return struct.pack("!BBBB", nexthdr, units, 0, 0) + bytes((units + 1) * 8 - 4)


def tcp(sport=40000, dport=80, doff=5):
    opts = b"\x01" * (max(doff, 5) * 4 - 20)
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, doff << 4, 0x02, 65535, 0, 0) + opts


def udp(sport=40000, dport=53, data=b"hello"):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def icmp(typ=8, code=0):
    return struct.pack("!BBHHH", typ, code, 0, 1, 1) + b"ping"


Q, AD = 0x8100, 0x88A8
IP, IP6, ARP = 0x0800, 0x86DD, 0x0806
ARP_BODY = struct.pack("!HHBBH6s4s6s4s", 1, IP, 6, 4, 1, SRC_MAC, SRC4, bytes(6), DST4)

# name -> (frame, the class lesson 27 must count it in)
FRAMES = {
    "ipv4-tcp": (eth(IP, ipv4(6, tcp())), "ipv4-tcp"),
    "ipv4-tcp-options": (eth(IP, ipv4(6, tcp(doff=8), ihl=7)), "ipv4-tcp"),
    "ipv4-udp": (eth(IP, ipv4(17, udp())), "ipv4-udp"),
    "ipv4-icmp": (eth(IP, ipv4(1, icmp())), "ipv4-icmp"),
    "ipv4-gre": (eth(IP, ipv4(47, bytes(8))), "ipv4-other"),
    "ipv4-fragment": (eth(IP, ipv4(6, bytes(16), frag=100)), "ipv4-frag"),
    "ipv6-tcp": (eth(IP6, ipv6(6, tcp())), "ipv6-tcp"),
    "ipv6-udp": (eth(IP6, ipv6(17, udp())), "ipv6-udp"),
    "ipv6-icmp": (eth(IP6, ipv6(58, icmp(128))), "ipv6-icmp"),
    "ipv6-hop-by-hop": (eth(IP6, ipv6(0, opts6(59))), "ipv6-other"),
    "arp": (eth(ARP, ARP_BODY), "non-ip"),
    "vlan-ipv4-udp": (eth(IP, ipv4(17, udp(dport=5353)), tags=[(Q, 100)]), "ipv4-udp"),
    "qinq-ipv6-tcp": (eth(IP6, ipv6(6, tcp(dport=443)), tags=[(AD, 200), (Q, 300)]),
                      "ipv6-tcp"),
    "qinq-arp": (eth(ARP, ARP_BODY, tags=[(AD, 7), (Q, 8)]), "non-ip"),
    "vlan-3-tags": (eth(IP, ipv4(17, udp()), tags=[(AD, 1), (Q, 2), (Q, 3)]), "bad-vlan"),
    "vlan-cut-short": (DST_MAC + SRC_MAC + struct.pack("!HH", Q, 100), "bad-vlan"),
    "ipv4-short-header": (eth(IP, ipv4(6, b"")[:12]), "bad-ipv4"),
    "ipv4-ihl-4": (eth(IP, ipv4(6, tcp(), ihl=4)), "bad-ipv4"),
    "ipv4-ihl-past-end": (eth(IP, ipv4(6, b"", tot_len=60)[:20] + b"\x01" * 8), "bad-ipv4"),
    "ipv4-total-length-short": (eth(IP, ipv4(6, tcp(), tot_len=12)), "bad-ipv4"),
    "ipv4-total-length-long": (eth(IP, ipv4(6, tcp(), tot_len=1400)), "bad-ipv4"),
    "ipv4-version-6": (eth(IP, ipv4(6, tcp(), version=6)), "bad-ipv4"),
    "vlan-ipv4-short-header": (eth(IP, ipv4(17, b"")[:16], tags=[(Q, 5)]), "bad-ipv4"),
    "ipv4-tcp-cut-short": (eth(IP, ipv4(6, tcp()[:12])), "bad-l4"),
    "ipv4-tcp-doff-4": (eth(IP, ipv4(6, tcp(doff=4))), "bad-l4"),
    "ipv4-tcp-doff-past-end": (eth(IP, ipv4(6, tcp(doff=5)[:12] + b"\xf0" + tcp()[13:])),
                               "bad-l4"),
    "ipv4-udp-cut-short": (eth(IP, ipv4(17, udp()[:6])), "bad-l4"),
    "ipv4-icmp-cut-short": (eth(IP, ipv4(1, icmp()[:4])), "bad-l4"),
    "ipv6-short-header": (eth(IP6, ipv6(6, b"")[:30]), "bad-ipv6"),
    "ipv6-version-4": (eth(IP6, ipv6(6, tcp(), version=4)), "bad-ipv6"),
    "ipv6-icmp-cut-short": (eth(IP6, ipv6(58, icmp()[:6])), "bad-l4"),
}

# IPv6 extension header chains: name -> (frame, the class once the parser
# follows up to 4 extension headers; as shipped, all are ipv6-other).
HBH, ROUTING, DSTOPTS, NONE = 0, 43, 60, 59
EXERCISE = {
    "ipv6-hbh-tcp": (eth(IP6, ipv6(HBH, opts6(6) + tcp(dport=22))), "ipv6-tcp"),
    "ipv6-hbh-dstopts-udp": (eth(IP6, ipv6(HBH, opts6(DSTOPTS) + opts6(17, 1) + udp(dport=5353))),
                             "ipv6-udp"),
    "ipv6-routing-icmp": (eth(IP6, ipv6(ROUTING, routing6(58, 2) + icmp(128))), "ipv6-icmp"),
    "ipv6-4-ext-tcp": (eth(IP6, ipv6(HBH, opts6(DSTOPTS) + opts6(ROUTING) + routing6(DSTOPTS) +
                                     opts6(6) + tcp())), "ipv6-tcp"),
    "ipv6-5-ext-tcp": (eth(IP6, ipv6(HBH, opts6(DSTOPTS) + opts6(ROUTING) + routing6(DSTOPTS) +
                                     opts6(DSTOPTS) + opts6(6) + tcp())), "ipv6-other"),
    "ipv6-ext-cut-short": (eth(IP6, ipv6(HBH, opts6(6, 2)[:8])), "bad-ipv6"),
}


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    iface, names = argv[1], argv[2:]
    if names == ["list"]:
        for name, (_, cls) in FRAMES.items():
            print(name, cls)
        return
    if names == ["all"]:
        names = list(FRAMES)
    frames = {**FRAMES, **EXERCISE}
    unknown = [n for n in names if n not in frames]
    if unknown:
        sys.exit("sendframes: unknown frame %s (try: %s IFACE list)" % (unknown[0], argv[0]))
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind((iface, 0))
        for name in names:
            s.send(frames[name][0])


if __name__ == "__main__":
    main(sys.argv)
