package io.npflua.lua.data;

import io.npflua.lua.net.NetModule;
import java.util.HexFormat;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** Test states: plain LuaJ globals with the data module installed, and frames from hex. */
final class LuaStates {
    private LuaStates() {}

    /** JsePlatform.standardGlobals() plus {@code data} and {@code net} (globals and {@code package.loaded}). */
    static Globals withData() {
        Globals g = JsePlatform.standardGlobals();
        g.load(new DataLib());
        LuaValue net = new NetModule().open(g, "test");
        g.set(NetModule.NAME, net);
        g.get("package").get("loaded").set(NetModule.NAME, net);
        return g;
    }

    /** Runs {@code chunk} in {@code g} and returns its first result. */
    static LuaValue run(Globals g, String chunk) {
        return g.load(chunk, "test").call();
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
