package io.npflua.lua.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code net} module against golden.txt: what glibc's inet_pton accepts and Python's {@code ipaddress} computes
 * for thousands of random addresses, prefixes, containments and set lookups (gen-golden.py, fixed seed). Calls the
 * module's Lua functions as a script would.
 */
class NetGoldenTest {
    private final LuaTable net = (LuaTable) new NetModule().open(null, "golden");

    private static List<String[]> lines(String kind) throws IOException {
        try (InputStream in = NetGoldenTest.class.getResourceAsStream("golden.txt")) {
            List<String[]> rows = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.split("\t", -1);
                if (f[0].equals(kind)) {
                    rows.add(f);
                }
            }
            return rows;
        }
    }

    /** A prefix object for {@code a/n}, else the address string. */
    private LuaValue addressOrPrefix(String text) {
        return text.contains("/") ? net.get("prefix").call(LuaValue.valueOf(text)) : LuaValue.valueOf(text);
    }

    @Test
    void shouldAcceptWhatInetPtonAcceptsAndPrintWhatIpaddressPrints() throws IOException {
        List<String[]> rows = lines("A");
        int refused = 0;
        for (String[] f : rows) {
            Varargs r = net.get("address").invoke(LuaValue.valueOf(f[1]));
            LuaValue family = net.get("family").call(LuaValue.valueOf(f[1]));
            if (f[2].equals("!")) {
                refused++;
                assertTrue(r.arg1().isnil(), () -> "accepted '" + f[1] + "' as " + r.arg1());
                assertTrue(
                        r.arg(2).tojstring().startsWith("invalid address '"),
                        r.arg(2).tojstring());
                assertTrue(family.isnil(), f[1]);
            } else {
                assertEquals(f[2], r.arg1().tojstring(), () -> "address('" + f[1] + "')");
                assertEquals(f[2].contains(":") ? 6 : 4, family.toint(), f[1]);
                // canonical text is a fixed point
                assertEquals(
                        f[2], net.get("address").call(LuaValue.valueOf(f[2])).tojstring());
            }
        }
        assertTrue(rows.size() > 5000 && refused > 1000 && rows.size() - refused > 3000, rows.size() + "/" + refused);
    }

    @Test
    void shouldParsePrefixesLikeIpaddressStrict() throws IOException {
        List<String[]> rows = lines("P");
        int hostBits = 0;
        for (String[] f : rows) {
            LuaValue text = LuaValue.valueOf(f[1]);
            if (f[2].startsWith("!")) {
                LuaError e = org.junit.jupiter.api.Assertions.assertThrows(
                        LuaError.class, () -> net.get("prefix").call(text), f[1]);
                assertTrue(e.getMessage().startsWith("bad argument #1 to 'prefix' (invalid prefix '"), e.getMessage());
                if (f[2].startsWith("!host ")) {
                    hostBits++;
                    assertTrue(
                            e.getMessage().endsWith("host bits set (the network is " + f[2].substring(6) + "))"),
                            e.getMessage() + " / " + f[2]);
                }
            } else {
                LuaValue p = net.get("prefix").call(text);
                assertEquals(f[2], p.tojstring(), f[1]);
                int slash = f[2].indexOf('/');
                assertEquals(
                        Integer.parseInt(f[2].substring(slash + 1)),
                        p.get("length").toint());
                assertEquals(f[2].contains(":") ? 6 : 4, p.get("family").toint());
            }
        }
        assertTrue(rows.size() > 1500 && hostBits > 200, rows.size() + "/" + hostBits);
    }

    @Test
    void shouldAnswerContainsLikeIpaddress() throws IOException {
        List<String[]> rows = lines("C");
        int yes = 0;
        for (String[] f : rows) {
            LuaValue p = net.get("prefix").call(LuaValue.valueOf(f[1]));
            LuaValue x = addressOrPrefix(f[2]);
            boolean expected = f[3].equals("1");
            yes += expected ? 1 : 0;
            assertEquals(expected, p.get("contains").call(p, x).toboolean(), f[1] + " contains " + f[2]);
        }
        assertTrue(yes > 300 && rows.size() - yes > 300, yes + "/" + rows.size());
    }

    @Test
    void shouldAnswerSetLookupsLikeCollapsedIpaddressNetworks() throws IOException {
        LuaTable members = new LuaTable();
        for (String[] f : lines("S")) {
            members.insert(0, LuaValue.valueOf(f[1]));
        }
        LuaValue set = net.get("set").call(members);
        List<String[]> rows = lines("Q");
        int yes = 0;
        for (String[] f : rows) {
            LuaValue x = addressOrPrefix(f[1]);
            boolean expected = f[2].equals("1");
            yes += expected ? 1 : 0;
            assertEquals(expected, set.get("contains").call(set, x).toboolean(), "set contains " + f[1]);
        }
        assertTrue(yes > 500 && rows.size() - yes > 300, yes + "/" + rows.size());
    }
}
