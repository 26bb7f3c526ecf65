#!/usr/bin/env python3
"""Writes golden.txt for NetGoldenTest: what Python's ipaddress module and the C library's inet_pton say about a few
thousand random addresses, prefixes and containments (fixed seed, so the file is reproducible).

    /usr/bin/python3 lua-bindings/src/test/resources/io/npflua/lua/net/gen-golden.py > \
        lua-bindings/src/test/resources/io/npflua/lua/net/golden.txt

Acceptance of an address comes from socket.inet_pton (glibc), the rule npflua follows; canonical text from
ipaddress, except that IPv4-mapped addresses are written ::ffff:a.b.c.d (RFC 5952 section 5, as Python 3.13+ and
inet_ntop print them; Python 3.11 prints ::ffff:102:304). Lines, tab-separated:
  A <text> <canonical | !>                    an address and its canonical text, ! when refused
  P <text> <canonical | !host <network> | !>  a prefix (bare address = host prefix); !host: host bits set (the
                                               network from strict=False); ! for a malformed length, by npflua's
                                               rule (decimal, no sign, no leading zero: Python accepts /08)
  C <prefix> <address or prefix> <0|1>         prefix contains
  S <prefix>                                   a member of the one set
  Q <address or prefix> <0|1>                  set contains (every address of a prefix)
"""
import ipaddress
import random
import socket
import sys

rnd = random.Random(20261125)
out = sys.stdout


def canon_addr(a):
    if a.version == 6 and a.ipv4_mapped is not None:
        return '::ffff:' + str(a.ipv4_mapped)
    return str(a)


def canon_net(n):
    return canon_addr(n.network_address) + '/' + str(n.prefixlen)


def pton(text):
    """The address inet_pton makes of text, or None."""
    for family, cls in ((socket.AF_INET, ipaddress.IPv4Address), (socket.AF_INET6, ipaddress.IPv6Address)):
        try:
            return cls(socket.inet_pton(family, text))
        except (OSError, ValueError):
            pass
    return None


def rand_v4():
    kind = rnd.random()
    if kind < 0.1:
        return ipaddress.IPv4Address(rnd.choice([0, 0xffffffff, 0x7f000001, 0xc6120000]))
    octets = [rnd.choice([0, 1, 9, 10, 99, 100, 255, rnd.randrange(256)]) for _ in range(4)]
    return ipaddress.IPv4Address(bytes(octets))


def rand_v6():
    kind = rnd.random()
    if kind < 0.1:
        return ipaddress.IPv6Address((0xffff << 32) | int(rand_v4()))  # IPv4-mapped
    if kind < 0.13:
        return ipaddress.IPv6Address(int(rand_v4()))  # IPv4-compatible (deprecated), printed in hex
    groups = []
    for _ in range(8):
        r = rnd.random()
        groups.append(0 if r < 0.45 else rnd.choice([1, 0xf, 0x10, 0xff, 0x100, 0xfff, 0x1000, 0xffff,
                                                      rnd.randrange(0x10000)]))
    return ipaddress.IPv6Address(b''.join(g.to_bytes(2, 'big') for g in groups))


def text_forms(a):
    """Several texts of one address: canonical, exploded, other compressions, leading zeros, upper case, dotted."""
    if a.version == 4:
        return [str(a)]
    groups = [int(a.exploded[i * 5:i * 5 + 4], 16) for i in range(8)]
    forms = [str(a), a.exploded, canon_addr(a)]
    for _ in range(3):
        width = [rnd.randint(len('%x' % g), 4) for g in groups]
        parts = [('%0*x' % (w, g)) for w, g in zip(width, groups)]
        if rnd.random() < 0.5:
            parts = [p.upper() if rnd.random() < 0.5 else p for p in parts]
        tail = None
        if rnd.random() < 0.3:
            tail = str(ipaddress.IPv4Address((groups[6] << 16) | groups[7]))
            parts = parts[:6]
        # compress a random run of zero groups (one group is allowed on input)
        zeros = [i for i, g in enumerate(groups[:len(parts)]) if g == 0]
        if zeros and rnd.random() < 0.8:
            start = rnd.choice(zeros)
            end = start
            while end + 1 < len(parts) and groups[end + 1] == 0 and rnd.random() < 0.8:
                end += 1
            left, right = parts[:start], parts[end + 1:]
            if tail:
                right = right + [tail]
            text = ':'.join(left) + '::' + ':'.join(right)
        else:
            text = ':'.join(parts + ([tail] if tail else []))
        forms.append(text)
    return forms


MUTATION_CHARS = ':.0123456789abcdefABCDEFg%/ x'


def mutate(text):
    op = rnd.randrange(4)
    i = rnd.randrange(len(text) + 1)
    if op == 0 and text:
        return text[:min(i, len(text) - 1)] + text[min(i, len(text) - 1) + 1:]
    if op == 1:
        return text[:i] + rnd.choice(MUTATION_CHARS) + text[i:]
    if op == 2 and text:
        j = min(i, len(text) - 1)
        return text[:j] + text[j] + text[j:]
    return text[:i] + rnd.choice([':', '::', '.', '0', '00000']) + text[i:]


def address_lines():
    seen = set()
    for _ in range(500):
        a = rand_v4() if rnd.random() < 0.35 else rand_v6()
        for t in text_forms(a):
            for cand in [t] + [mutate(t) for _ in range(2)]:
                if cand in seen or '\t' in cand:
                    continue
                seen.add(cand)
                p = pton(cand)
                if p is not None:
                    assert ipaddress.ip_address(cand) == p, cand  # Python agrees with libc on accepted texts
                out.write('A\t%s\t%s\n' % (cand, canon_addr(p) if p is not None else '!'))


def rand_prefix(v6=None):
    v6 = rnd.random() < 0.6 if v6 is None else v6
    a = rand_v6() if v6 else rand_v4()
    length = rnd.randint(0, 128 if v6 else 32)
    return ipaddress.ip_network('%s/%d' % (a, length), strict=False), a, length


def prefix_lines():
    for _ in range(1000):
        net, a, length = rand_prefix()
        host = rnd.random() < 0.3
        addr = a if host else net.network_address
        for t in text_forms(addr)[:2]:
            text = '%s/%d' % (t, length)
            try:
                expect = canon_net(ipaddress.ip_network(text, strict=True))
            except ValueError:
                expect = '!host ' + canon_net(ipaddress.ip_network(text, strict=False))
            out.write('P\t%s\t%s\n' % (text, expect))
        if rnd.random() < 0.2:  # a bare address is the host prefix
            out.write('P\t%s\t%s\n' % (str(addr), canon_net(ipaddress.ip_network(addr))))
        if rnd.random() < 0.2:  # lengths out of range or malformed: refused whatever the address
            bad = rnd.choice(['%d' % (length + (129 if addr.version == 6 else 33)), '', '-1', '+8', '08', '1 ', 'x'])
            out.write('P\t%s/%s\t!\n' % (addr, bad))


def containment_lines():
    for _ in range(1000):
        p, _, _ = rand_prefix()
        r = rnd.random()
        if r < 0.4:  # an address near the prefix: inside or just outside
            base = int(p.network_address) + rnd.choice([0, p.num_addresses - 1, p.num_addresses, -1,
                                                        rnd.randrange(p.num_addresses)])
            base %= 1 << p.max_prefixlen
            x = ipaddress.ip_address(base) if p.version == 4 else ipaddress.IPv6Address(base)
            out.write('C\t%s\t%s\t%d\n' % (canon_net(p), x, x in p))
        elif r < 0.8:  # a prefix nested in, around or beside it
            length = max(0, min(p.max_prefixlen, p.prefixlen + rnd.randint(-3, 6)))
            q = ipaddress.ip_network('%s/%d' % (p.network_address + rnd.randrange(p.num_addresses) if
                                                rnd.random() < 0.8 else rand_prefix(p.version == 6)[1], length),
                                     strict=False)
            out.write('C\t%s\t%s\t%d\n' % (canon_net(p), canon_net(q), q.subnet_of(p)))
        else:  # the other family: never contained
            x = rand_v4() if p.version == 6 else rand_v6()
            out.write('C\t%s\t%s\t0\n' % (canon_net(p), x))


def set_lines():
    members = []
    for _ in range(2000):
        v6 = rnd.random() < 0.5
        net, _, _ = rand_prefix(v6)
        length = rnd.randint(20, 32) if not v6 else rnd.randint(40, 128)
        net = ipaddress.ip_network('%s/%d' % (net.network_address, length), strict=False)
        members.append(net)
        if rnd.random() < 0.1:  # an adjacent sibling, so that merged ranges occur
            sib = ipaddress.ip_network('%s/%d' % (net.network_address + net.num_addresses
                                                  if int(net.broadcast_address) + 1 < 1 << net.max_prefixlen
                                                  else net.network_address, length), strict=False)
            members.append(sib)
    for m in members:
        out.write('S\t%s\n' % canon_net(m))
    collapsed = {4: list(ipaddress.collapse_addresses([m for m in members if m.version == 4])),
                 6: list(ipaddress.collapse_addresses([m for m in members if m.version == 6]))}
    for _ in range(2000):
        m = rnd.choice(members)
        r = rnd.random()
        if r < 0.6:
            off = rnd.choice([0, m.num_addresses - 1, m.num_addresses, -1, rnd.randrange(m.num_addresses)])
            x = ipaddress.ip_address((int(m.network_address) + off) % (1 << m.max_prefixlen)) if m.version == 4 \
                else ipaddress.IPv6Address((int(m.network_address) + off) % (1 << 128))
            out.write('Q\t%s\t%d\n' % (canon_addr(x), any(x in c for c in collapsed[x.version])))
        elif r < 0.8:
            x = rand_v4() if rnd.random() < 0.5 else rand_v6()
            out.write('Q\t%s\t%d\n' % (canon_addr(x), any(x in c for c in collapsed[x.version])))
        else:
            length = max(0, min(m.max_prefixlen, m.prefixlen + rnd.randint(-2, 4)))
            q = ipaddress.ip_network('%s/%d' % (m.network_address, length), strict=False)
            out.write('Q\t%s\t%d\n' % (canon_net(q), any(q.subnet_of(c) for c in collapsed[q.version])))


address_lines()
prefix_lines()
containment_lines()
set_lines()
