package io.npflua.lua.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

/**
 * The {@code net} module as scripts see it: sandboxed states with the standard modules, under the execution model
 * of the run (the lua-bindings suite runs once compiled, once interpreted). Each script's {@code filter} returns
 * true when every check in it held; {@code check(a, b)} names the failing pair.
 */
class NetModuleTest {
    private static final String PRELUDE = """
            local function check(got, want, what)
              if got ~= want then
                error((what or '') .. ': got ' .. tostring(got) .. ', want ' .. tostring(want), 2)
              end
            end
            local function fails(f, arg, needle)
              local ok, msg = pcall(f, arg)
              if ok then error('no error for ' .. tostring(arg), 2) end
              if not string.find(msg, needle, 1, true) then error('message: ' .. msg, 2) end
              return msg
            end
            """;

    private final List<String> errors = new ArrayList<>();

    private void assertPasses(String body) throws Exception {
        ScriptState s = ScriptState.load(
                ScriptOptions.of("net.lua", PRELUDE + "function filter()\n" + body + "\nreturn true end")
                        .withCallTimeLimitNanos(0)
                        .withErrorListener((name, outcome, message) -> errors.add(message)));
        CallOutcome outcome = s.call(LuaValue.NIL);
        assertEquals(CallOutcome.PASS, outcome, errors.isEmpty() ? "" : errors.get(errors.size() - 1));
    }

    @Test
    void shouldFormatIpv6ByRfc5952() throws Exception {
        assertPasses("""
                local a = net.address
                check(a('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1', '4.1 no leading zeros, 4.2.1 ::')
                check(a('2001:DB8::AB'), '2001:db8::ab', '4.3 lower case')
                check(a('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', '4.2.2 one zero group stays 0')
                check(a('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1', '4.2.3 the first of equal runs')
                check(a('2001:0:0:1:0:0:0:1'), '2001:0:0:1::1', '4.2.3 the longest run')
                check(a('1:2:3:4:5:6:7::'), '1:2:3:4:5:6:7:0', ':: for one group on input only')
                check(a('::'), '::') check(a('::1'), '::1') check(a('1::'), '1::')
                check(a('0:0:0:0:0:0:0:0'), '::') check(a('fe80::0:abcd'), 'fe80::abcd')
                check(a('::ffff:1.2.3.4'), '::ffff:1.2.3.4', '5: IPv4-mapped stays dotted')
                check(a('::ffff:102:304'), '::ffff:1.2.3.4', '5: whatever the input form')
                check(a('::FFFF:0.0.0.0'), '::ffff:0.0.0.0')
                check(a('::1.2.3.4'), '::102:304', 'IPv4-compatible (deprecated) is plain hex')
                check(a('64:ff9b::198.18.0.1'), '64:ff9b::c612:1', 'NAT64 is plain hex')
                check(a('1:2:3:4:5:6:1.2.3.4'), '1:2:3:4:5:6:102:304')
                check(a('198.18.0.1'), '198.18.0.1') check(a('0.0.0.0'), '0.0.0.0')
                check(a('255.255.255.255'), '255.255.255.255')
                """);
    }

    @Test
    void shouldRefuseWhatInetPtonRefuses() throws Exception {
        assertPasses("""
                for _, bad in ipairs{'01.2.3.4', '1.2.3.04', '1.2.3', '1.2.3.4.5', '256.0.0.1', ' 1.2.3.4', '1.2.3.4 ',
                    '0x1.2.3.4', '1..2.3', '', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', '1::2::3',
                    ':1::', '1:', ':', ':::', '1:::2', '00001::', 'g::', 'fe80::1%eth0', '[::1]', '::ffff:01.2.3.4',
                    '1:2:3:4:5:6:7:1.2.3.4', '1:2:3:4:5:6::1.2.3.4', '1.2.3.4::', '::1.2.3', '198.18.0.0/15',
                    '1.2.3.4\\0', string.rep('1', 100000)} do
                  local v, msg = net.address(bad)
                  check(v, nil, bad)
                  assert(msg:find("invalid address '", 1, true) == 1, msg)
                  check(net.family(bad), nil, bad)
                end
                local _, why = net.address('fe80::1%eth0')
                check(why, "invalid address 'fe80::1%eth0': zone ids are not accepted")
                local _, long = net.address(string.rep('1', 100000))
                check(long, "invalid address '" .. string.rep('1', 64) .. "'...: too long for an address")
                check(net.family('198.18.0.1'), 4) check(net.family('2001:db8::1'), 6)
                check(net.family('::ffff:198.18.0.1'), 6, 'a mapped address is IPv6')
                check(net.family(nil), nil) check(net.family(4), nil) check(net.family({}), nil)
                fails(net.address, nil, "bad argument #1 to 'address' (string expected, got nil)")
                """);
    }

    @Test
    void shouldMatchPrefixes() throws Exception {
        assertPasses("""
                local lab = net.prefix('198.18.0.0/15')
                check(lab:contains('198.18.3.4'), true) check(lab:contains('198.19.255.255'), true)
                check(lab:contains('198.20.0.0'), false) check(lab:contains('198.17.255.255'), false)
                check(lab.family, 4) check(lab.length, 15) check(tostring(lab), '198.18.0.0/15')
                check(lab:contains('2001:db8::1'), false, 'the other family is never contained')
                check(lab:contains('::ffff:198.18.3.4'), false, 'a mapped address is IPv6')
                check(net.prefix('::ffff:198.18.0.0/111'):contains('::ffff:198.18.3.4'), true)
                check(tostring(net.prefix('::ffff:198.18.0.0/111')), '::ffff:198.18.0.0/111')
                local doc = net.prefix('2001:0DB8::/32')
                check(tostring(doc), '2001:db8::/32') check(doc.family, 6) check(doc.length, 32)
                check(doc:contains('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), true)
                check(doc:contains('2001:db9::'), false) check(doc:contains('198.18.0.1'), false)
                local all4, all6 = net.prefix('0.0.0.0/0'), net.prefix('::/0')
                check(all4:contains('255.255.255.255'), true) check(all4:contains('::'), false)
                check(all6:contains('ffff::1'), true) check(all6:contains('0.0.0.0'), false)
                check(tostring(all4), '0.0.0.0/0') check(tostring(all6), '::/0')
                local host = net.prefix('198.18.0.1')
                check(tostring(host), '198.18.0.1/32') check(host.length, 32)
                check(host:contains('198.18.0.1'), true) check(host:contains('198.18.0.2'), false)
                local host6 = net.prefix('2001:db8::1')
                check(tostring(host6), '2001:db8::1/128') check(host6:contains('2001:db8:0::0:1'), true)
                check(host6:contains('2001:db8::2'), false)
                check(net.prefix('2001:db8::1/128'):contains('2001:db8::1'), true)
                check(net.prefix('128.0.0.0/1'):contains('127.255.255.255'), false)
                check(net.prefix('8000::/1'):contains('8000::'), true)
                check(net.prefix('2001:db8::/64'):contains('2001:db8::ffff:ffff:ffff:ffff'), true)
                check(net.prefix('2001:db8::/65'):contains('2001:db8::8000:0:0:0'), false)
                -- containment of prefixes
                check(lab:contains(net.prefix('198.19.0.0/16')), true) check(lab:contains(lab), true)
                check(lab:contains(net.prefix('198.16.0.0/14')), false) check(lab:contains(host), true)
                check(lab:contains(doc), false) check(all6:contains(doc), true) check(doc:contains(all6), false)
                check(rawequal(require('net'), net), true)
                """);
    }

    @Test
    void shouldRaiseClearErrorsForBadPrefixes() throws Exception {
        assertPasses("""
                fails(net.prefix, '198.18.0.0/33',
                  "bad argument #1 to 'prefix' (invalid prefix '198.18.0.0/33': an IPv4 prefix length must be 0 to 32)")
                fails(net.prefix, '2001:db8::/129', 'an IPv6 prefix length must be 0 to 128')
                fails(net.prefix, '10.1.2.3/8',
                  "(invalid prefix '10.1.2.3/8': host bits set (the network is 10.0.0.0/8))")
                fails(net.prefix, '2001:db8::1/32', 'host bits set (the network is 2001:db8::/32)')
                fails(net.prefix, 'garbage', "(invalid prefix 'garbage': not an IPv4 or IPv6 address)")
                for _, bad in ipairs{'10.0.0.0/', '10.0.0.0/08', '10.0.0.0/-1', '10.0.0.0/+8', '10.0.0.0/8 ',
                    '10.0.0.0/8/8', '/8', '', '10.0.0.0 /8', 'fe80::%eth0/64', '10.0.0.0/255.0.0.0'} do
                  fails(net.prefix, bad, "bad argument #1 to 'prefix' (invalid prefix '")
                end
                local msg = fails(net.prefix, string.rep('a', 100000) .. '/8', 'too long for a prefix')
                assert(#msg < 200, msg)
                fails(net.prefix, nil, "bad argument #1 to 'prefix' (string or net prefix expected, got nil)")
                fails(net.prefix, {}, 'got table')
                local p = net.prefix('198.18.0.0/15')
                check(net.prefix(p), p, 'a prefix is its own prefix')
                fails(function(x) return p:contains(x) end, '198.18.0.256',
                  "bad argument #1 to 'contains' (invalid address '198.18.0.256': not an IPv4 or IPv6 address)")
                fails(function(x) return p:contains(x) end, nil,
                  "bad argument #1 to 'contains' (address string or net prefix expected, got nil)")
                fails(function(x) return p.contains(x, '1.2.3.4') end, 'p', "call it as p:contains(address)")
                fails(function(x) p.length = x end, 8, 'a net prefix is immutable')
                check(p.other, nil)
                """);
    }

    @Test
    void shouldLookUpSets() throws Exception {
        assertPasses("""
                local s = net.set{'198.18.0.0/15', '2001:db8::/32', '192.0.2.0/25', '192.0.2.128/25',
                                  net.prefix('203.0.113.7'), '198.18.0.0/15', '198.18.4.0/24', '::ffff:0:0/96'}
                check(#s, 7, 'distinct prefixes')
                check(s:contains('198.19.1.1'), true) check(s:contains('198.20.0.0'), false)
                check(s:contains('2001:db8:1::1'), true) check(s:contains('2001:db9::'), false)
                check(s:contains('203.0.113.7'), true) check(s:contains('203.0.113.8'), false)
                check(s:contains('::ffff:8.8.8.8'), true) check(s:contains('8.8.8.8'), false)
                check(s:contains(net.prefix('192.0.2.0/24')), true, 'two adjacent halves cover the /24')
                check(s:contains(net.prefix('192.0.2.0/23')), false)
                check(s:contains(net.prefix('198.18.128.0/17')), true)
                check(s:contains(net.prefix('2001:db8::/31')), false)
                local empty = net.set{}
                check(#empty, 0) check(empty:contains('0.0.0.0'), false) check(empty:contains('::'), false)
                local everything = net.set{'0.0.0.0/0', '::/0'}
                check(everything:contains('255.255.255.255'), true) check(everything:contains('ffff::'), true)
                local top = net.set{'255.255.255.255', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '0.0.0.0'}
                check(top:contains('255.255.255.255'), true) check(top:contains('255.255.255.254'), false)
                check(top:contains('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), true)
                check(top:contains('0.0.0.1'), false) check(top:contains('0.0.0.0'), true)
                -- a large list: 10,000 /24s of 10.0.0.0/8, every other one
                local items = {}
                for i = 0, 19999, 2 do items[#items + 1] = ('10.%d.%d.0/24'):format(math.floor(i / 256), i % 256) end
                local big = net.set(items)
                check(#big, 10000) check(big:contains('10.0.0.1'), true) check(big:contains('10.0.1.1'), false)
                check(big:contains('10.78.30.200'), true) check(big:contains('10.78.31.200'), false)
                fails(net.set, {'198.18.0.0/15', 'bogus'},
                  "bad argument #1 to 'set' (item 2: invalid prefix 'bogus': not an IPv4 or IPv6 address)")
                fails(net.set, {'10.1.0.0/8'}, "(item 1: invalid prefix '10.1.0.0/8': host bits set")
                fails(net.set, {true}, "(item 1: string or net prefix expected, got boolean)")
                fails(net.set, '10.0.0.0/8', "bad argument #1 to 'set' (table of prefixes expected, got string)")
                fails(function(x) return s:contains(x) end, 'x', "(invalid address 'x'")
                fails(function(x) s[1] = x end, 1, 'a net set is immutable')
                assert(tostring(s):find('net set: 7 prefixes', 1, true), tostring(s))
                """);
    }
}
