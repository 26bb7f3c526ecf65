package io.npflua.lua.compiler;

import static java.lang.constant.ConstantDescs.CD_Throwable;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.LocVars;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * Translates one Lua 5.2 function prototype (LuaJ's register bytecode) into the bytes of a JVM class extending
 * {@link CompiledFunction}. One JVM label per Lua instruction; registers stay in the frame's {@code LuaValue[]}
 * exactly as the interpreter keeps them; every instruction does what {@code LuaClosure.execute} does for it.
 *
 * <p>The prototype's constants are the class's data, read through {@code ldc} of dynamic constants
 * ({@code MethodHandles.classDataAt}), so HotSpot sees each as a constant of the compiled code. What differs between
 * the states that share the class (hook, prototype, globals, builtin {@code tostring}, child templates) are final
 * fields of each closure ({@link CompiledFunction}); the hook is read once per call into a local.
 *
 * <p>The budget: each basic block adds its instruction count to a local ({@code PENDING}), and the sum is charged
 * with {@code hook.steps(n, pc)} before every back-edge, every call of a Lua function and every return (and settled
 * on the way out of an error), so the count of a call equals the interpreter's (which charges per instruction)
 * whenever its blocks run to their end, and a runaway loop is cut off at its back-edge.
 */
final class FunctionCompiler {
    static final ClassDesc CD_LUA_VALUE = ClassDesc.of("org.luaj.vm2.LuaValue");
    static final ClassDesc CD_VARARGS = ClassDesc.of("org.luaj.vm2.Varargs");
    static final ClassDesc CD_UPVALUE = ClassDesc.of("org.luaj.vm2.UpValue");
    static final ClassDesc CD_LUA_TABLE = ClassDesc.of("org.luaj.vm2.LuaTable");
    static final ClassDesc CD_LUA_BOOLEAN = ClassDesc.of("org.luaj.vm2.LuaBoolean");
    static final ClassDesc CD_LUA_CLOSURE = ClassDesc.of("org.luaj.vm2.LuaClosure");
    static final ClassDesc CD_PROTOTYPE = ClassDesc.of("org.luaj.vm2.Prototype");
    static final ClassDesc CD_GLOBALS = ClassDesc.of("org.luaj.vm2.Globals");
    static final ClassDesc CD_COMPILED = ClassDesc.of(CompiledFunction.class.getName());
    static final ClassDesc CD_HOOK = ClassDesc.of(CompiledHook.class.getName());
    static final ClassDesc CD_SUPPORT = ClassDesc.of(CompiledSupport.class.getName());
    static final ClassDesc CD_LIB_FUNCTION = ClassDesc.of("org.luaj.vm2.lib.LibFunction");

    private static final ClassDesc CD_VALUES = CD_LUA_VALUE.arrayType();
    private static final ClassDesc CD_UPVALUES = CD_UPVALUE.arrayType();
    private static final MethodTypeDesc MT_EXECUTE = MethodTypeDesc.of(CD_VARARGS, CD_VALUES, CD_VARARGS);
    private static final MethodTypeDesc MT_V_V = MethodTypeDesc.of(CD_LUA_VALUE, CD_LUA_VALUE);
    private static final MethodTypeDesc MT_V = MethodTypeDesc.of(CD_LUA_VALUE);
    private static final MethodTypeDesc MT_B_V = MethodTypeDesc.of(CD_boolean, CD_LUA_VALUE);
    private static final ClassDesc CD_OBJECTS = ClassDesc.of("java.lang.Object").arrayType();
    /** (prototype, hook, globals, builtin tostring, children): what each state gives its closures. */
    static final MethodTypeDesc MT_INIT = MethodTypeDesc.of(
            CD_void,
            ClassDesc.of("org.luaj.vm2.Prototype"),
            ClassDesc.of(CompiledHook.class.getName()),
            ClassDesc.of("org.luaj.vm2.Globals"),
            ClassDesc.of("org.luaj.vm2.LuaValue"),
            ClassDesc.of("java.lang.Object").arrayType());

    // Locals of execute().
    private static final int THIS = 0;
    private static final int STACK = 1;
    private static final int VARARGS = 2;
    private static final int V = 3;
    private static final int TOP = 4;
    private static final int OPEN = 5;
    private static final int PC = 6;
    private static final int UPS = 7;
    private static final int TMP = 8;
    private static final int TMP_VARARGS = 9;
    private static final int TMP_THROWN = 10;
    private static final int HOOK_LOCAL = 11;
    /** Steps of the basic blocks entered since the last charge (with the budget on). */
    private static final int PENDING = 12;
    /** With scalar registers: register r is local {@code REGISTERS + r}. */
    private static final int REGISTERS = 13;

    private final Prototype p;
    private final ClassDesc thisClass;
    private final boolean[] compiledChildren;
    private final boolean budget;
    private final int[] code;
    private final boolean hasOpen;
    /**
     * Registers as JVM locals instead of the frame's array (no array stores, bounds or store checks, no GC barrier
     * per register write): for functions that make no closures, so that no upvalue can alias a register. Ops that
     * work on register ranges (calls with many arguments, varargs, SETLIST, CONCAT) copy the range to the array
     * and back around themselves; the error handler copies every register so that messages can name values.
     */
    private final boolean scalar;
    /** The registers of the stores begun by {@link #storeStart} and not yet ended. */
    private final java.util.ArrayDeque<Integer> pending = new java.util.ArrayDeque<>();
    /** Whether in-place strings are allowed (the closures' {@code tostring} field is the state's builtin). */
    private final boolean inPlace;

    private Label[] labels;
    private boolean[] leader;
    private int inPlaceSites;
    /**
     * Per pc of a {@code tostring(x)} call whose result, a named local, is only matched, measured ({@code #}), tested
     * or compared with string constants in its scope: the JVM local of its flag (1 while the local holds {@code x}
     * itself in place of the copy). Absent: no such site.
     */
    private final Map<Integer, Integer> keptInPlace = new HashMap<>();
    /** Per pc of an {@code EQ} that compares such a local with a string constant: the local's flag. */
    private final Map<Integer, Integer> keptEquals = new HashMap<>();
    /** Per pc: the inline-cache site of a constant-name GETTABLE, SELF or SETTABLE, or -1. */
    private int[] site;

    private int sites;
    /** Per pc of a return of constants only: its results, made once (class data after the constants). */
    private final List<Varargs> resultConstants = new ArrayList<>();
    /** Per pc whose results are in {@link #resultConstants}: their index there (a rebuilt body finds them again). */
    private final Map<Integer, Integer> resultConstantAt = new HashMap<>();

    /**
     * @param compiledChildren for each child prototype, whether it is compiled (the closure's {@code children}
     *                         holds a template {@link CompiledFunction}) or interpreted (it holds its
     *                         {@link Prototype})
     * @param budget           false only to measure what the budget costs: no {@code steps} calls
     */
    FunctionCompiler(Prototype p, ClassDesc thisClass, boolean[] compiledChildren, boolean budget, boolean inPlace) {
        this.p = p;
        this.inPlace = inPlace;
        this.thisClass = thisClass;
        this.compiledChildren = compiledChildren;
        this.budget = budget;
        this.code = p.code;
        this.hasOpen = p.p != null && p.p.length > 0;
        this.scalar = !hasOpen && !Boolean.getBoolean("npflua.lua.compiler.arrayRegisters");
    }

    /**
     * Class data: the prototype's constants, {@code k[0..n)}, then the constant result lists of its returns
     * ({@link #constantResults}), shared by every state that runs the same source. Valid after {@link #generate}.
     */
    List<Object> classData() {
        List<Object> data = new ArrayList<>(p.k.length + resultConstants.size());
        for (var k : p.k) {
            data.add(k);
        }
        data.addAll(resultConstants);
        return data;
    }

    /** Why this prototype cannot be compiled, or null if it can. */
    static String refusal(Prototype p) {
        int[] code = p.code;
        for (int pc = 0; pc < code.length; pc++) {
            int op = code[pc] & 0x3f;
            if (op == Lua.OP_SETLIST && ((code[pc] >> 14) & 0x1ff) == 0) {
                pc++; // the next word is data
            } else if (op == Lua.OP_LOADKX || op == Lua.OP_EXTRAARG) {
                return "more than 262,143 constants (OP_LOADKX)";
            } else if (op > Lua.OP_EXTRAARG) {
                return "unknown opcode " + op;
            }
        }
        return null;
    }

    /** After {@link #generate}: the {@code tostring(x):match(...)} sites that run in place. */
    int inPlaceSites() {
        return inPlaceSites;
    }

    byte[] generate(ClassFile classFile) {
        return classFile.build(thisClass, cb -> {
            cb.withFlags(AccessFlag.FINAL, AccessFlag.SYNTHETIC);
            cb.withSuperclass(CD_COMPILED);
            cb.withMethodBody("<init>", MT_INIT, ClassFile.ACC_PUBLIC, c -> {
                c.aload(0);
                for (int i = 1; i <= 5; i++) {
                    c.aload(i);
                }
                c.invokespecial(CD_COMPILED, "<init>", MT_INIT);
                c.return_();
            });
            cb.withMethodBody("fresh", MethodTypeDesc.of(CD_COMPILED), ClassFile.ACC_PUBLIC, c -> {
                c.new_(thisClass);
                c.dup();
                for (String field : new String[] {"proto", "hook", "globals", "tostring", "children"}) {
                    c.aload(0);
                    c.getfield(CD_COMPILED, field, fieldType(field));
                }
                c.invokespecial(thisClass, "<init>", MT_INIT);
                c.areturn();
            });
            cb.withMethodBody("execute", MT_EXECUTE, ClassFile.ACC_PROTECTED | ClassFile.ACC_FINAL, this::body);
        });
    }

    private static ClassDesc fieldType(String field) {
        return switch (field) {
            case "proto" -> CD_PROTOTYPE;
            case "hook" -> CD_HOOK;
            case "globals" -> CD_GLOBALS;
            case "tostring" -> CD_LUA_VALUE;
            default -> CD_OBJECTS;
        };
    }

    /** Pushes a per-state field of this closure ({@code proto}, {@code globals}, {@code tostring}). */
    private static void field(CodeBuilder c, String name) {
        c.aload(THIS);
        c.getfield(CD_COMPILED, name, fieldType(name));
    }

    private void body(CodeBuilder c) {
        labels = new Label[code.length + 1];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = c.newLabel();
        }
        leader = leaders();
        int[] blockLength = blockLengths(leader);
        numberSites();

        // Prologue, as the interpreter's: open upvalues only if the function makes closures, then the entry hook.
        c.getstatic(CD_LUA_VALUE, "NONE", CD_LUA_VALUE);
        c.astore(V);
        c.iconst_0();
        c.istore(TOP);
        c.iconst_0();
        c.istore(PC);
        if (hasOpen) {
            c.loadConstant(code.length == 0 ? 1 : p.maxstacksize);
            c.anewarray(CD_UPVALUE);
        } else {
            c.aconst_null();
        }
        c.astore(OPEN);
        c.iconst_0();
        c.istore(PENDING);
        c.aload(THIS);
        c.getfield(CD_COMPILED, "upValues", CD_UPVALUES);
        c.astore(UPS);
        field(c, "hook");
        c.astore(HOOK_LOCAL);
        c.aload(HOOK_LOCAL);
        field(c, "proto");
        c.invokeinterface(CD_HOOK, "enter", MethodTypeDesc.of(CD_void, CD_PROTOTYPE));
        if (scalar) {
            for (int r = 0; r < p.maxstacksize; r++) {
                if (r < p.numparams) {
                    c.aload(STACK);
                    c.loadConstant(r);
                    c.aaload();
                } else {
                    c.getstatic(CD_LUA_VALUE, "NIL", CD_LUA_VALUE);
                }
                c.astore(REGISTERS + r);
            }
        }
        if (inPlace) {
            planKeptInPlace();
            for (int flag : keptInPlace.values()) {
                c.iconst_0();
                c.istore(flag);
            }
        }

        Label start = c.newLabel();
        Label end = c.newLabel();
        Label handler = c.newLabel();
        c.labelBinding(start);
        for (int pc = 0; pc < code.length; pc++) {
            c.labelBinding(labels[pc]);
            int i = code[pc];
            if (budget) {
                if (leader[pc]) {
                    c.iinc(PENDING, blockLength[pc]);
                }
                charge(c, pc, i);
            }
            if ((i & 0x3f) == Lua.OP_SETLIST && ((i >> 14) & 0x1ff) == 0) {
                instruction(c, pc, i);
                pc++;
                c.labelBinding(labels[pc]); // the data word: nothing jumps here
                continue;
            }
            instruction(c, pc, i);
            if (!pending.isEmpty()) {
                throw new IllegalStateException("unfinished register store at pc " + pc);
            }
        }
        c.labelBinding(labels[code.length]);
        // Falling off the end cannot happen (Lua functions end in OP_RETURN); keep the verifier content.
        c.aconst_null();
        c.athrow();
        c.labelBinding(end);

        c.labelBinding(handler);
        c.astore(TMP_THROWN);
        if (budget) {
            c.aload(HOOK_LOCAL);
            c.iload(PENDING);
            c.invokeinterface(CD_HOOK, "settle", MethodTypeDesc.of(CD_void, CD_int));
        }
        spill(c, 0, p.maxstacksize);
        c.aload(TMP_THROWN);
        field(c, "globals");
        field(c, "proto");
        c.iload(PC);
        c.aload(STACK);
        c.invokestatic(
                CD_SUPPORT,
                "failure",
                MethodTypeDesc.of(CD_Throwable, CD_Throwable, CD_GLOBALS, CD_PROTOTYPE, CD_int, CD_VALUES));
        c.astore(TMP_THROWN);
        leave(c);
        c.aload(TMP_THROWN);
        c.athrow();
        c.exceptionCatchAll(start, end, handler);
    }

    /**
     * Charges the pending steps before instruction {@code i} at {@code pc} if it is a back-edge or a call: always for
     * back-edges; for a call only when the callee is not a library function
     * (a library function charges for its own work, so the steps of a filter that calls only {@code pkt:udp()} and
     * the like are charged once, at its return).
     */
    private void charge(CodeBuilder c, int pc, int i) {
        int op = i & 0x3f;
        boolean backEdge =
                op == Lua.OP_FORLOOP || op == Lua.OP_TFORLOOP || (op == Lua.OP_JMP && (i >>> 14) - 0x1ffff < 0);
        if (backEdge) {
            flush(c, pc); // (returns charge in their exit: returnTmp)
        } else if (op == Lua.OP_CALL || op == Lua.OP_TFORCALL) {
            Label library = c.newLabel();
            reg(c, (i >> 6) & 0xff);
            c.instanceOf(CD_LIB_FUNCTION);
            c.ifne(library);
            flush(c, pc);
            c.labelBinding(library);
        }
    }

    private void flush(CodeBuilder c, int pc) {
        c.aload(HOOK_LOCAL);
        c.iload(PENDING);
        c.loadConstant(pc);
        c.invokeinterface(CD_HOOK, "steps", MethodTypeDesc.of(CD_void, CD_int, CD_int));
        c.iconst_0();
        c.istore(PENDING);
    }

    /** Pushes what a {@code tostring(R(a+1))} site's support calls take: the callee R(a), the value, the builtin. */
    private void tostringOperands(CodeBuilder c, int a) {
        reg(c, a);
        reg(c, a + 1);
        field(c, "tostring");
    }

    /** The exit work of every path out: close open upvalues, then tell the hook. */
    private void leave(CodeBuilder c) {
        if (hasOpen) {
            c.aload(OPEN);
            c.invokestatic(CD_SUPPORT, "closeAll", MethodTypeDesc.of(CD_void, CD_UPVALUES));
        }
        c.aload(HOOK_LOCAL);
        c.invokeinterface(CD_HOOK, "exit", MethodTypeDesc.of(CD_void));
    }

    private boolean[] leaders() {
        // (also read by the in-place analysis)
        boolean[] leader = new boolean[code.length + 2];
        if (code.length > 0) {
            leader[0] = true;
        }
        for (int pc = 0; pc < code.length; pc++) {
            int i = code[pc];
            int op = i & 0x3f;
            int target = pc + 1 + ((i >>> 14) - 0x1ffff);
            switch (op) {
                case Lua.OP_JMP, Lua.OP_FORLOOP, Lua.OP_FORPREP, Lua.OP_TFORLOOP -> {
                    leader[target] = true;
                    leader[pc + 1] = true;
                }
                case Lua.OP_EQ, Lua.OP_LT, Lua.OP_LE, Lua.OP_TEST, Lua.OP_TESTSET -> {
                    leader[pc + 1] = true;
                    leader[pc + 2] = true;
                }
                case Lua.OP_LOADBOOL -> {
                    if (((i >> 14) & 0x1ff) != 0) {
                        leader[pc + 1] = true;
                        leader[pc + 2] = true;
                    }
                }
                case Lua.OP_RETURN, Lua.OP_TAILCALL -> leader[pc + 1] = true;
                case Lua.OP_SETLIST -> {
                    if (((i >> 14) & 0x1ff) == 0) {
                        pc++;
                    }
                }
                default -> {}
            }
        }
        return leader;
    }

    /** For each leader, the instructions the interpreter would execute in its block (data words excluded). */
    private int[] blockLengths(boolean[] leader) {
        int[] length = new int[code.length];
        int current = -1;
        for (int pc = 0; pc < code.length; pc++) {
            if (leader[pc]) {
                current = pc;
            }
            if (current >= 0) {
                length[current]++;
            }
            int i = code[pc];
            if ((i & 0x3f) == Lua.OP_SETLIST && ((i >> 14) & 0x1ff) == 0) {
                pc++;
            }
        }
        return length;
    }

    private void instruction(CodeBuilder c, int pc, int i) {
        int op = i & 0x3f;
        int a = (i >> 6) & 0xff;
        int b = i >>> 23;
        int cc = (i >> 14) & 0x1ff;
        int bx = i >>> 14;
        int sbx = bx - 0x1ffff;
        switch (op) {
            case Lua.OP_MOVE -> {
                storeStart(c, a);
                reg(c, b);
                storeEnd(c);
            }
            case Lua.OP_LOADK -> {
                storeStart(c, a);
                constant(c, bx, CD_LUA_VALUE);
                storeEnd(c);
            }
            case Lua.OP_LOADBOOL -> {
                storeStart(c, a);
                c.getstatic(CD_LUA_VALUE, b != 0 ? "TRUE" : "FALSE", CD_LUA_BOOLEAN);
                storeEnd(c);
                if (cc != 0) {
                    c.goto_(labels[pc + 2]);
                }
            }
            case Lua.OP_LOADNIL -> {
                for (int r = a; r <= a + b; r++) {
                    storeStart(c, r);
                    c.getstatic(CD_LUA_VALUE, "NIL", CD_LUA_VALUE);
                    storeEnd(c);
                }
            }
            case Lua.OP_GETUPVAL -> {
                storeStart(c, a);
                upValue(c, b);
                c.invokevirtual(CD_UPVALUE, "getValue", MT_V);
                storeEnd(c);
            }
            case Lua.OP_GETTABUP -> {
                at(c, pc);
                storeStart(c, a);
                upValue(c, b);
                c.invokevirtual(CD_UPVALUE, "getValue", MT_V);
                rk(c, cc);
                c.invokevirtual(CD_LUA_VALUE, "get", MT_V_V);
                storeEnd(c);
            }
            case Lua.OP_GETTABLE -> {
                at(c, pc);
                storeStart(c, a);
                reg(c, b);
                rk(c, cc);
                index(c, pc);
                storeEnd(c);
            }
            case Lua.OP_SETTABUP -> {
                at(c, pc);
                upValue(c, a);
                c.invokevirtual(CD_UPVALUE, "getValue", MT_V);
                rk(c, b);
                rk(c, cc);
                c.invokevirtual(CD_LUA_VALUE, "set", MethodTypeDesc.of(CD_void, CD_LUA_VALUE, CD_LUA_VALUE));
            }
            case Lua.OP_SETUPVAL -> {
                upValue(c, b);
                reg(c, a);
                c.invokevirtual(CD_UPVALUE, "setValue", MethodTypeDesc.of(CD_void, CD_LUA_VALUE));
            }
            case Lua.OP_SETTABLE -> {
                at(c, pc);
                reg(c, a);
                rk(c, b);
                rk(c, cc);
                if (site[pc] >= 0) {
                    siteArguments(c, pc);
                    c.invokestatic(
                            CD_SUPPORT,
                            "assignConstant",
                            MethodTypeDesc.of(
                                    CD_void, CD_LUA_VALUE, CD_LUA_VALUE, CD_LUA_VALUE, CD_COMPILED, CD_int, CD_int));
                } else {
                    c.invokevirtual(CD_LUA_VALUE, "set", MethodTypeDesc.of(CD_void, CD_LUA_VALUE, CD_LUA_VALUE));
                }
            }
            case Lua.OP_NEWTABLE -> {
                at(c, pc);
                storeStart(c, a);
                c.new_(CD_LUA_TABLE);
                c.dup();
                c.loadConstant(b);
                c.loadConstant(cc);
                c.invokespecial(CD_LUA_TABLE, "<init>", MethodTypeDesc.of(CD_void, CD_int, CD_int));
                storeEnd(c);
            }
            case Lua.OP_SELF -> {
                at(c, pc);
                reg(c, b);
                c.astore(TMP);
                storeStart(c, a + 1);
                c.aload(TMP);
                storeEnd(c);
                storeStart(c, a);
                c.aload(TMP);
                rk(c, cc);
                index(c, pc);
                storeEnd(c);
            }
            case Lua.OP_ADD, Lua.OP_SUB, Lua.OP_MUL, Lua.OP_DIV, Lua.OP_MOD, Lua.OP_POW -> {
                at(c, pc);
                storeStart(c, a);
                rk(c, b);
                rk(c, cc);
                c.invokevirtual(CD_LUA_VALUE, arith(op), MT_V_V);
                storeEnd(c);
            }
            case Lua.OP_UNM, Lua.OP_NOT, Lua.OP_LEN -> {
                at(c, pc);
                storeStart(c, a);
                reg(c, b);
                c.invokevirtual(CD_LUA_VALUE, op == Lua.OP_UNM ? "neg" : op == Lua.OP_NOT ? "not" : "len", MT_V);
                storeEnd(c);
            }
            case Lua.OP_CONCAT -> {
                at(c, pc);
                spill(c, b, cc + 1);
                c.aload(HOOK_LOCAL);
                c.aload(STACK);
                c.loadConstant(b);
                c.loadConstant(cc);
                c.loadConstant(pc);
                c.invokeinterface(CD_HOOK, "concat", MethodTypeDesc.of(CD_void, CD_VALUES, CD_int, CD_int, CD_int));
                storeStart(c, a);
                c.aload(STACK);
                c.loadConstant(b);
                c.loadConstant(cc);
                c.invokestatic(CD_SUPPORT, "concat", MethodTypeDesc.of(CD_LUA_VALUE, CD_VALUES, CD_int, CD_int));
                storeEnd(c);
            }
            case Lua.OP_JMP -> {
                if (a > 0 && hasOpen) {
                    c.aload(OPEN);
                    c.loadConstant(a - 1);
                    c.invokestatic(CD_SUPPORT, "closeFrom", MethodTypeDesc.of(CD_void, CD_UPVALUES, CD_int));
                }
                c.goto_(labels[pc + 1 + sbx]);
            }
            case Lua.OP_EQ, Lua.OP_LT, Lua.OP_LE -> {
                at(c, pc);
                Integer kept = keptEquals.get(pc);
                if (kept != null) {
                    c.iload(kept);
                }
                rk(c, b);
                rk(c, cc);
                if (kept != null) {
                    c.invokestatic(
                            CD_SUPPORT,
                            "equalsKept",
                            MethodTypeDesc.of(CD_boolean, CD_int, CD_LUA_VALUE, CD_LUA_VALUE));
                } else if (op == Lua.OP_EQ) {
                    c.invokevirtual(CD_LUA_VALUE, "eq_b", MT_B_V);
                } else {
                    c.invokestatic(
                            CD_SUPPORT,
                            op == Lua.OP_LT ? "lt" : "le",
                            MethodTypeDesc.of(CD_boolean, CD_LUA_VALUE, CD_LUA_VALUE));
                }
                skipUnless(c, pc, a != 0);
            }
            case Lua.OP_TEST -> {
                reg(c, a);
                c.invokevirtual(CD_LUA_VALUE, "toboolean", MethodTypeDesc.of(CD_boolean));
                skipUnless(c, pc, cc != 0);
            }
            case Lua.OP_TESTSET -> {
                reg(c, b);
                c.astore(TMP);
                c.aload(TMP);
                c.invokevirtual(CD_LUA_VALUE, "toboolean", MethodTypeDesc.of(CD_boolean));
                skipUnless(c, pc, cc != 0);
                storeStart(c, a);
                c.aload(TMP);
                storeEnd(c);
            }
            case Lua.OP_CALL -> {
                if (inPlace && b == 2 && cc == 2 && inPlaceToString(pc, a)) {
                    inPlaceSites++;
                    // R(a) := tostring(R(a+1)), or R(a+1) itself when it is an InPlaceString (see the analysis)
                    at(c, pc);
                    storeStart(c, a);
                    tostringOperands(c, a);
                    c.invokestatic(
                            CD_SUPPORT,
                            "tostringInPlace",
                            MethodTypeDesc.of(CD_LUA_VALUE, CD_LUA_VALUE, CD_LUA_VALUE, CD_LUA_VALUE));
                    storeEnd(c);
                } else if (keptInPlace.containsKey(pc)) {
                    inPlaceSites++;
                    // flag := the frame itself may stand for its copy; R(a) := flag ? R(a+1) : tostring(R(a+1))
                    int flag = keptInPlace.get(pc);
                    at(c, pc);
                    tostringOperands(c, a);
                    c.invokestatic(
                            CD_SUPPORT,
                            "keepsInPlace",
                            MethodTypeDesc.of(CD_int, CD_LUA_VALUE, CD_LUA_VALUE, CD_LUA_VALUE));
                    c.istore(flag);
                    storeStart(c, a);
                    c.iload(flag);
                    reg(c, a);
                    reg(c, a + 1);
                    c.invokestatic(
                            CD_SUPPORT,
                            "tostringKept",
                            MethodTypeDesc.of(CD_LUA_VALUE, CD_int, CD_LUA_VALUE, CD_LUA_VALUE));
                    storeEnd(c);
                } else {
                    call(c, pc, a, b, cc);
                }
            }
            case Lua.OP_TAILCALL -> {
                at(c, pc);
                reg(c, a);
                arguments(c, a, b);
                c.invokestatic(CD_SUPPORT, "tailcall", MethodTypeDesc.of(CD_VARARGS, CD_LUA_VALUE, CD_VARARGS));
                returnTmp(c, pc);
            }
            case Lua.OP_RETURN -> {
                switch (b) {
                    case 0 -> rangeToTop(c, a);
                    case 1 -> c.getstatic(CD_LUA_VALUE, "NONE", CD_LUA_VALUE);
                    case 2 -> reg(c, a);
                    default -> {
                        int k = constantResults(pc, a, b - 1);
                        if (k >= 0) {
                            constant(c, k, CD_VARARGS);
                        } else {
                            range(c, a, b - 1);
                        }
                    }
                }
                returnTmp(c, pc);
            }
            case Lua.OP_FORLOOP -> {
                at(c, pc);
                if (scalar) {
                    // idx := forNext(R(a), R(a+1), R(a+2)); null when the loop ends, else R(a) = R(a+3) = idx
                    Label done = c.newLabel();
                    reg(c, a);
                    reg(c, a + 1);
                    reg(c, a + 2);
                    c.invokestatic(
                            CD_SUPPORT,
                            "forNext",
                            MethodTypeDesc.of(CD_LUA_VALUE, CD_LUA_VALUE, CD_LUA_VALUE, CD_LUA_VALUE));
                    c.astore(TMP);
                    c.aload(TMP);
                    c.ifnull(done);
                    c.aload(TMP);
                    c.astore(REGISTERS + a);
                    c.aload(TMP);
                    c.astore(REGISTERS + a + 3);
                    c.goto_(labels[pc + 1 + sbx]);
                    c.labelBinding(done);
                } else {
                    c.aload(STACK);
                    c.loadConstant(a);
                    c.invokestatic(CD_SUPPORT, "forLoop", MethodTypeDesc.of(CD_boolean, CD_VALUES, CD_int));
                    c.ifne(labels[pc + 1 + sbx]);
                }
            }
            case Lua.OP_FORPREP -> {
                at(c, pc);
                spill(c, a, a + 3);
                c.aload(STACK);
                c.loadConstant(a);
                c.invokestatic(CD_SUPPORT, "forPrep", MethodTypeDesc.of(CD_void, CD_VALUES, CD_int));
                reload(c, a, a + 3);
                c.goto_(labels[pc + 1 + sbx]);
            }
            case Lua.OP_TFORCALL -> {
                at(c, pc);
                spill(c, a, a + 3);
                c.aload(STACK);
                c.loadConstant(a);
                c.loadConstant(cc);
                c.invokestatic(CD_SUPPORT, "tforCall", MethodTypeDesc.of(CD_void, CD_VALUES, CD_int, CD_int));
                reload(c, a + 3, a + 3 + cc);
                c.getstatic(CD_LUA_VALUE, "NONE", CD_LUA_VALUE);
                c.astore(V);
            }
            case Lua.OP_TFORLOOP -> {
                Label done = c.newLabel();
                reg(c, a + 1);
                c.invokevirtual(CD_LUA_VALUE, "isnil", MethodTypeDesc.of(CD_boolean));
                c.ifne(done);
                storeStart(c, a);
                reg(c, a + 1);
                storeEnd(c);
                c.goto_(labels[pc + 1 + sbx]);
                c.labelBinding(done);
            }
            case Lua.OP_SETLIST -> {
                at(c, pc);
                int block = cc == 0 ? code[pc + 1] : cc;
                int offset = (block - 1) * Lua.LFIELDS_PER_FLUSH;
                spill(c, a, b == 0 ? p.maxstacksize : a + b + 1);
                c.aload(STACK);
                c.loadConstant(a);
                if (b == 0) {
                    c.loadConstant(offset);
                    c.iload(TOP);
                    c.aload(V);
                    c.invokestatic(
                            CD_SUPPORT,
                            "setListToTop",
                            MethodTypeDesc.of(CD_void, CD_VALUES, CD_int, CD_int, CD_int, CD_VARARGS));
                } else {
                    c.loadConstant(b);
                    c.loadConstant(offset);
                    c.invokestatic(
                            CD_SUPPORT, "setList", MethodTypeDesc.of(CD_void, CD_VALUES, CD_int, CD_int, CD_int));
                }
            }
            case Lua.OP_CLOSURE -> closure(c, pc, a, bx);
            case Lua.OP_VARARG -> {
                if (b == 0) {
                    c.aload(VARARGS);
                    c.invokevirtual(CD_VARARGS, "narg", MethodTypeDesc.of(CD_int));
                    c.loadConstant(a);
                    c.iadd();
                    c.istore(TOP);
                    c.aload(VARARGS);
                    c.astore(V);
                } else {
                    c.aload(VARARGS);
                    c.aload(STACK);
                    c.loadConstant(a);
                    c.loadConstant(b - 1);
                    c.invokestatic(
                            CD_SUPPORT, "copyTo", MethodTypeDesc.of(CD_void, CD_VARARGS, CD_VALUES, CD_int, CD_int));
                    reload(c, a, a + b - 1);
                }
            }
            default -> throw new IllegalArgumentException("opcode " + op + " at pc " + pc);
        }
    }

    /**
     * Whether {@code R(a) := R(a)(R(a+1))} at {@code pc} is {@code tostring(x)} whose result is only the receiver
     * of one {@code :match} or {@code :find} right after it, so that it may be {@code x} itself when {@code x} is
     * an {@link InPlaceString}: the function register was just read from the global {@code tostring}; until the
     * method lookup only constants, moves and upvalue reads run (nothing can write the frame or see the string),
     * with no jump into them; and the result is never read again (a temporary the lookup overwrites, or a named
     * local read nowhere else in its scope). The run-time guard checks that the global is the builtin.
     */
    private boolean inPlaceToString(int pc, int a) {
        // The function: R(a) := _ENV.tostring, within this basic block.
        if (!tostringDefined(pc, a)) {
            return false;
        }
        // The use: SELF A' a K("match"|"find"), after harmless instructions only.
        int use = pc + 1;
        while (use < code.length && (code[use] & 0x3f) != Lua.OP_SELF) {
            if (leader[use] || !harmless(code[use], a)) {
                return false;
            }
            use++;
        }
        if (use >= code.length || leader[use]) {
            return false;
        }
        int self = code[use];
        int selfA = (self >> 6) & 0xff;
        int key = (self >> 14) & 0x1ff;
        if ((self >>> 23) != a
                || key <= 0xff
                || !(p.k[key & 0xff] instanceof LuaString name)
                || !(name.tojstring().equals("match") || name.tojstring().equals("find"))) {
            return false;
        }
        if (selfA == a) {
            return true; // a temporary: the lookup overwrites it
        }
        // A named local: no other read of it in its scope.
        if (p.locvars == null) {
            return false;
        }
        for (var lv : p.locvars) {
            if (lv != null && lv.startpc == pc + 1 && registerOf(lv, pc + 1) == a) {
                for (int q = use + 1; q < lv.endpc && q < code.length; q++) {
                    if (mayRead(code[q], a)) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    /**
     * The class-data index of the results of {@code return R(a), ..., R(a+n-1)} at {@code pc} when each of them is a
     * constant there, else -1. A register is a constant when the instructions right before the return, in its basic
     * block, load it with {@code LOADK}, {@code LOADBOOL} (without a skip) or {@code LOADNIL}: {@code return false,
     * 'reason'} then returns one immutable {@code Varargs} made at compile time instead of a new one per call.
     */
    private int constantResults(int pc, int a, int n) {
        Integer known = resultConstantAt.get(pc);
        if (known != null) {
            return p.k.length + known;
        }
        int start = pc;
        // (start - 2 a SETLIST with C = 0: start - 1 is its data word, not an instruction.)
        while (start > 0
                && !leader[start]
                && constantLoad(code[start - 1])
                && !(start >= 2
                        && (code[start - 2] & 0x3f) == Lua.OP_SETLIST
                        && ((code[start - 2] >> 14) & 0x1ff) == 0)) {
            start--;
        }
        LuaValue[] values = new LuaValue[n];
        for (int q = start; q < pc; q++) {
            int i = code[q];
            int qa = (i >> 6) & 0xff;
            switch (i & 0x3f) {
                case Lua.OP_LOADK -> setResult(values, a, qa, p.k[i >>> 14]);
                case Lua.OP_LOADBOOL -> setResult(values, a, qa, (i >>> 23) != 0 ? LuaValue.TRUE : LuaValue.FALSE);
                default -> {
                    for (int r = qa; r <= qa + (i >>> 23); r++) {
                        setResult(values, a, r, LuaValue.NIL);
                    }
                }
            }
        }
        for (LuaValue v : values) {
            if (v == null) {
                return -1;
            }
        }
        resultConstantAt.put(pc, resultConstants.size());
        resultConstants.add(LuaValue.varargsOf(values));
        return p.k.length + resultConstants.size() - 1;
    }

    private static boolean constantLoad(int i) {
        return switch (i & 0x3f) {
            case Lua.OP_LOADK, Lua.OP_LOADNIL -> true;
            case Lua.OP_LOADBOOL -> ((i >> 14) & 0x1ff) == 0;
            default -> false;
        };
    }

    private static void setResult(LuaValue[] values, int a, int r, LuaValue v) {
        if (r >= a && r < a + values.length) {
            values[r - a] = v;
        }
    }

    /** The register of local {@code lv}: the number of locals active at {@code pc} declared before it. */
    private int registerOf(LocVars lv, int pc) {
        int r = 0;
        for (var other : p.locvars) {
            if (other == lv) {
                return r;
            }
            if (other != null && other.startpc <= pc && pc < other.endpc) {
                r++;
            }
        }
        return -1;
    }

    private boolean isEnvGlobal(int i, String name) {
        int b = i >>> 23;
        int key = (i >> 14) & 0x1ff;
        return p.upvalues != null
                && b < p.upvalues.length
                && p.upvalues[b].name != null
                && p.upvalues[b].name.tojstring().equals("_ENV")
                && key > 0xff
                && p.k[key & 0xff] instanceof org.luaj.vm2.LuaString s
                && s.tojstring().equals(name);
    }

    /**
     * Finds the {@code local s = tostring(x)} sites that can keep {@code x} in place of the copy for the whole scope
     * of {@code s} (the single-use sites of {@link #inPlaceToString} aside): every read of {@code s} there is the
     * receiver of {@code :match} or {@code :find}, {@code #s}, a truth test, or {@code ==}/{@code ~=} against a
     * string constant, and nothing in the scope writes {@code s} (a closure that captures it reads it). The packet's
     * methods give the copy's answers for those ({@link InPlaceString}); the bytes cannot change in between because
     * the runtime keeps the frame in place only when it is read-only. Sandboxed scripts have no coroutines, so the
     * scope cannot outlive the call.
     */
    private void planKeptInPlace() {
        int next = REGISTERS + p.maxstacksize;
        for (int pc = 0; pc < code.length; pc++) {
            int i = code[pc];
            int op = i & 0x3f;
            if (op == Lua.OP_SETLIST && ((i >> 14) & 0x1ff) == 0) {
                pc++; // its data word
                continue;
            }
            int a = (i >> 6) & 0xff;
            if (op != Lua.OP_CALL || (i >>> 23) != 2 || ((i >> 14) & 0x1ff) != 2 || !tostringDefined(pc, a)) {
                continue;
            }
            if (inPlaceToString(pc, a)) {
                continue; // matched once, right after: the single-use form
            }
            List<Integer> equals = new ArrayList<>();
            if (keptScope(pc, a, equals)) {
                int flag = next++;
                keptInPlace.put(pc, flag);
                for (int q : equals) {
                    keptEquals.put(q, flag);
                }
            }
        }
    }

    /** R(a) holds {@code _ENV.tostring} from earlier in the basic block of the call at {@code pc}. */
    private boolean tostringDefined(int pc, int a) {
        int def = -1;
        for (int q = pc - 1; q >= 0 && q >= pc - 3; q--) {
            int i = code[q];
            if ((i & 0x3f) == Lua.OP_GETTABUP && ((i >> 6) & 0xff) == a) {
                def = q;
                break;
            }
            if (leader[q]) {
                return false;
            }
        }
        if (def < 0 || !isEnvGlobal(code[def], "tostring")) {
            return false;
        }
        for (int q = def + 1; q < pc; q++) {
            if (leader[q] || !harmless(code[q], a)) {
                return false;
            }
        }
        return true;
    }

    /** The scope test of {@link #planKeptInPlace} for the local in R(a) from {@code pc + 1}; collects its EQ pcs. */
    private boolean keptScope(int pc, int a, List<Integer> equals) {
        if (p.locvars == null) {
            return false;
        }
        for (var lv : p.locvars) {
            if (lv == null || lv.startpc != pc + 1 || registerOf(lv, pc + 1) != a) {
                continue;
            }
            for (int q = pc + 1; q < lv.endpc && q < code.length; q++) {
                int i = code[q];
                int op = i & 0x3f;
                int b = i >>> 23;
                int c = (i >> 14) & 0x1ff;
                if (mayWrite(i, a)) {
                    return false;
                }
                if (mayRead(i, a)) {
                    boolean allowed = switch (op) {
                        case Lua.OP_SELF -> b == a && c > 0xff && isStringConstant(c, "match", "find");
                        case Lua.OP_LEN -> b == a;
                        case Lua.OP_TEST -> ((i >> 6) & 0xff) == a;
                        case Lua.OP_EQ ->
                            (b == a && c > 0xff && isStringConstant(c)) || (c == a && b > 0xff && isStringConstant(b));
                        default -> false;
                    };
                    if (!allowed) {
                        return false;
                    }
                    if (op == Lua.OP_EQ) {
                        equals.add(q);
                    }
                }
                if (op == Lua.OP_SETLIST && c == 0) {
                    q++; // its data word
                }
            }
            return true;
        }
        return false;
    }

    /** Constant {@code rk} (an RK operand above 255) is a string, one of {@code names} if any are given. */
    private boolean isStringConstant(int rk, String... names) {
        if (!(p.k[rk & 0xff] instanceof LuaString s)) {
            return false;
        }
        if (names.length == 0) {
            return true;
        }
        String n = s.tojstring();
        for (String name : names) {
            if (name.equals(n)) {
                return true;
            }
        }
        return false;
    }

    /** Whether instruction {@code i} may write register {@code r} (conservative: calls write everything above A). */
    private static boolean mayWrite(int i, int r) {
        int a = (i >> 6) & 0xff;
        int b = i >>> 23;
        return switch (i & 0x3f) {
            case Lua.OP_MOVE,
                    Lua.OP_LOADK,
                    Lua.OP_LOADKX,
                    Lua.OP_LOADBOOL,
                    Lua.OP_GETUPVAL,
                    Lua.OP_GETTABUP,
                    Lua.OP_GETTABLE,
                    Lua.OP_NEWTABLE,
                    Lua.OP_ADD,
                    Lua.OP_SUB,
                    Lua.OP_MUL,
                    Lua.OP_DIV,
                    Lua.OP_MOD,
                    Lua.OP_POW,
                    Lua.OP_UNM,
                    Lua.OP_NOT,
                    Lua.OP_LEN,
                    Lua.OP_CONCAT,
                    Lua.OP_TESTSET,
                    Lua.OP_CLOSURE,
                    Lua.OP_TFORLOOP -> a == r;
            case Lua.OP_LOADNIL -> a <= r && r <= a + b;
            case Lua.OP_SELF -> r == a || r == a + 1;
            case Lua.OP_FORLOOP, Lua.OP_FORPREP -> a <= r && r <= a + 3;
            case Lua.OP_CALL, Lua.OP_TAILCALL, Lua.OP_VARARG, Lua.OP_TFORCALL -> r >= a;
            case Lua.OP_SETTABUP,
                    Lua.OP_SETTABLE,
                    Lua.OP_SETUPVAL,
                    Lua.OP_SETLIST,
                    Lua.OP_JMP,
                    Lua.OP_EQ,
                    Lua.OP_LT,
                    Lua.OP_LE,
                    Lua.OP_TEST,
                    Lua.OP_RETURN -> false;
            default -> true;
        };
    }

    /** An instruction that cannot write a frame, raise, or read or write register {@code r}. */
    private static boolean harmless(int i, int r) {
        int a = (i >> 6) & 0xff;
        int b = i >>> 23;
        return switch (i & 0x3f) {
            case Lua.OP_LOADK, Lua.OP_LOADBOOL, Lua.OP_GETUPVAL -> a != r;
            case Lua.OP_MOVE -> a != r && b != r;
            case Lua.OP_LOADNIL -> r < a || r > a + b;
            default -> false;
        };
    }

    /** Whether instruction {@code i} may read register {@code r} (conservative: ranges count as reads). */
    private boolean mayRead(int i, int r) {
        int a = (i >> 6) & 0xff;
        int b = i >>> 23;
        int c = (i >> 14) & 0x1ff;
        return switch (i & 0x3f) {
            case Lua.OP_LOADK,
                    Lua.OP_LOADKX,
                    Lua.OP_LOADBOOL,
                    Lua.OP_LOADNIL,
                    Lua.OP_GETUPVAL,
                    Lua.OP_JMP,
                    Lua.OP_VARARG,
                    Lua.OP_EXTRAARG -> false;
            case Lua.OP_MOVE, Lua.OP_UNM, Lua.OP_NOT, Lua.OP_LEN, Lua.OP_TESTSET -> b == r;
            case Lua.OP_GETTABUP -> c == r;
            case Lua.OP_SETTABUP -> b == r || c == r;
            case Lua.OP_SETUPVAL, Lua.OP_TEST -> a == r;
            case Lua.OP_GETTABLE,
                    Lua.OP_SELF,
                    Lua.OP_ADD,
                    Lua.OP_SUB,
                    Lua.OP_MUL,
                    Lua.OP_DIV,
                    Lua.OP_MOD,
                    Lua.OP_POW,
                    Lua.OP_EQ,
                    Lua.OP_LT,
                    Lua.OP_LE -> b == r || c == r;
            case Lua.OP_SETTABLE -> a == r || b == r || c == r;
            case Lua.OP_CONCAT -> b <= r && r <= c;
            case Lua.OP_FORLOOP, Lua.OP_FORPREP -> a <= r && r <= a + 3;
            case Lua.OP_TFORCALL, Lua.OP_TFORLOOP -> a <= r && r <= a + 2;
            case Lua.OP_CLOSURE -> true; // may capture it
            case Lua.OP_CALL, Lua.OP_TAILCALL -> b == 0 ? r >= a : a <= r && r < a + b;
            case Lua.OP_RETURN -> b == 0 ? r >= a : a <= r && r < a + b - 1;
            case Lua.OP_SETLIST -> b == 0 ? r >= a : a <= r && r <= a + b;
            default -> true;
        };
    }

    private void call(CodeBuilder c, int pc, int a, int b, int cc) {
        at(c, pc);
        if (b >= 1 && b <= 4 && (cc == 1 || cc == 2)) {
            // The interpreter's fast paths: call(...) with no Varargs, one result or none.
            if (cc == 2) {
                storeStart(c, a);
            }
            reg(c, a);
            MethodTypeDesc type;
            switch (b) {
                case 1 -> type = MethodTypeDesc.of(CD_LUA_VALUE);
                case 2 -> {
                    reg(c, a + 1);
                    type = MT_V_V;
                }
                case 3 -> {
                    reg(c, a + 1);
                    reg(c, a + 2);
                    type = MethodTypeDesc.of(CD_LUA_VALUE, CD_LUA_VALUE, CD_LUA_VALUE);
                }
                default -> {
                    reg(c, a + 1);
                    reg(c, a + 2);
                    reg(c, a + 3);
                    type = MethodTypeDesc.of(CD_LUA_VALUE, CD_LUA_VALUE, CD_LUA_VALUE, CD_LUA_VALUE);
                }
            }
            c.invokevirtual(CD_LUA_VALUE, "call", type);
            if (cc == 2) {
                storeEnd(c);
            } else {
                c.pop();
            }
            return;
        }
        reg(c, a);
        arguments(c, a, b);
        c.invokevirtual(CD_LUA_VALUE, "invoke", MethodTypeDesc.of(CD_VARARGS, CD_VARARGS));
        if (cc > 0) {
            c.aload(STACK);
            c.loadConstant(a);
            c.loadConstant(cc - 1);
            c.invokestatic(CD_SUPPORT, "copyTo", MethodTypeDesc.of(CD_void, CD_VARARGS, CD_VALUES, CD_int, CD_int));
            reload(c, a, a + cc - 1);
            c.getstatic(CD_LUA_VALUE, "NONE", CD_LUA_VALUE);
            c.astore(V);
        } else {
            c.astore(TMP_VARARGS);
            c.aload(TMP_VARARGS);
            c.invokevirtual(CD_VARARGS, "narg", MethodTypeDesc.of(CD_int));
            c.loadConstant(a);
            c.iadd();
            c.istore(TOP);
            c.aload(TMP_VARARGS);
            c.invokestatic(CD_SUPPORT, "dealias", MethodTypeDesc.of(CD_VARARGS, CD_VARARGS));
            c.astore(V);
        }
    }

    /** Pushes the arguments R(a+1) .. R(a+b-1) (or up to top when b = 0) as one Varargs. */
    private void arguments(CodeBuilder c, int a, int b) {
        switch (b) {
            case 0 -> rangeToTop(c, a + 1);
            case 1 -> c.getstatic(CD_LUA_VALUE, "NONE", CD_LUA_VALUE);
            case 2 -> reg(c, a + 1);
            case 3 -> {
                reg(c, a + 1);
                reg(c, a + 2);
                c.invokestatic(CD_LUA_VALUE, "varargsOf", MethodTypeDesc.of(CD_VARARGS, CD_LUA_VALUE, CD_VARARGS));
            }
            default -> range(c, a + 1, b - 1);
        }
    }

    /** Pushes {@code varargsOf(stack, from, n)}. */
    private void range(CodeBuilder c, int from, int n) {
        spill(c, from, from + n);
        c.aload(STACK);
        c.loadConstant(from);
        c.loadConstant(n);
        c.invokestatic(CD_LUA_VALUE, "varargsOf", MethodTypeDesc.of(CD_VARARGS, CD_VALUES, CD_int, CD_int));
    }

    /** Pushes {@code varargsOf(stack, from, top - v.narg() - from, v)}: registers from {@code from}, then v. */
    private void rangeToTop(CodeBuilder c, int from) {
        spill(c, from, p.maxstacksize);
        c.aload(STACK);
        c.loadConstant(from);
        c.iload(TOP);
        c.aload(V);
        c.invokevirtual(CD_VARARGS, "narg", MethodTypeDesc.of(CD_int));
        c.isub();
        c.loadConstant(from);
        c.isub();
        c.aload(V);
        c.invokestatic(CD_LUA_VALUE, "varargsOf", MethodTypeDesc.of(CD_VARARGS, CD_VALUES, CD_int, CD_int, CD_VARARGS));
    }

    /** The value on the operand stack is the function's result: leave, then return it. */
    /** Returns the results on the operand stack: the exit work, with the pending steps charged by the same call. */
    private void returnTmp(CodeBuilder c, int pc) {
        c.astore(TMP_VARARGS);
        if (budget) {
            if (hasOpen) {
                c.aload(OPEN);
                c.invokestatic(CD_SUPPORT, "closeAll", MethodTypeDesc.of(CD_void, CD_UPVALUES));
            }
            c.aload(HOOK_LOCAL);
            c.iload(PENDING);
            c.loadConstant(pc);
            c.invokeinterface(CD_HOOK, "exitCharging", MethodTypeDesc.of(CD_void, CD_int, CD_int));
        } else {
            leave(c);
        }
        c.aload(TMP_VARARGS);
        c.areturn();
    }

    private void closure(CodeBuilder c, int pc, int a, int bx) {
        Prototype child = p.p[bx];
        storeStart(c, a);
        ClassDesc upOwner;
        if (compiledChildren[bx]) {
            field(c, "children");
            c.loadConstant(bx);
            c.aaload();
            c.checkcast(CD_COMPILED);
            c.invokevirtual(CD_COMPILED, "fresh", MethodTypeDesc.of(CD_COMPILED));
            upOwner = CD_COMPILED;
        } else {
            c.new_(CD_LUA_CLOSURE);
            c.dup();
            field(c, "children");
            c.loadConstant(bx);
            c.aaload();
            c.checkcast(CD_PROTOTYPE);
            field(c, "globals");
            c.invokespecial(CD_LUA_CLOSURE, "<init>", MethodTypeDesc.of(CD_void, CD_PROTOTYPE, CD_LUA_VALUE));
            upOwner = CD_LUA_CLOSURE;
        }
        var uv = child.upvalues;
        for (int j = 0; j < uv.length; j++) {
            c.dup();
            c.getfield(upOwner, "upValues", CD_UPVALUES);
            c.loadConstant(j);
            if (uv[j].instack) {
                c.aload(STACK);
                c.loadConstant(uv[j].idx & 0xff);
                c.aload(OPEN);
                c.invokestatic(
                        CD_SUPPORT, "findUpValue", MethodTypeDesc.of(CD_UPVALUE, CD_VALUES, CD_int, CD_UPVALUES));
            } else {
                upValue(c, uv[j].idx & 0xff);
            }
            c.aastore();
        }
        storeEnd(c);
    }

    /** Records the pc for the error handler (only before instructions that can raise a Lua error). */
    /**
     * Numbers the sites that index by a constant string (GETTABLE and SELF with a constant key, SETTABLE with a
     * constant name): each gets an inline cache of its own in every closure ({@link IndexCache}).
     */
    private void numberSites() {
        site = new int[code.length];
        sites = 0;
        for (int pc = 0; pc < code.length; pc++) {
            int i = code[pc];
            int op = i & 0x3f;
            int key = op == Lua.OP_SETTABLE ? (i >>> 23) & 0x1ff : (i >> 14) & 0x1ff;
            boolean named = (op == Lua.OP_GETTABLE || op == Lua.OP_SELF || op == Lua.OP_SETTABLE)
                    && key > 0xff
                    && p.k[key & 0xff] instanceof LuaString;
            site[pc] = named ? sites++ : -1;
            if (op == Lua.OP_SETLIST && ((i >> 14) & 0x1ff) == 0 && pc + 1 < code.length) {
                site[++pc] = -1; // the data word
            }
        }
    }

    /** After the receiver and the key on the stack: the value, through the site's inline cache if it has one. */
    private void index(CodeBuilder c, int pc) {
        if (site[pc] >= 0) {
            siteArguments(c, pc);
            c.invokestatic(
                    CD_SUPPORT,
                    "indexConstant",
                    MethodTypeDesc.of(CD_LUA_VALUE, CD_LUA_VALUE, CD_LUA_VALUE, CD_COMPILED, CD_int, CD_int));
        } else {
            c.invokevirtual(CD_LUA_VALUE, "get", MT_V_V);
        }
    }

    private void siteArguments(CodeBuilder c, int pc) {
        c.aload(THIS);
        c.loadConstant(site[pc]);
        c.loadConstant(sites);
    }

    private void at(CodeBuilder c, int pc) {
        c.loadConstant(pc);
        c.istore(PC);
    }

    /** After a boolean on the stack: skip the next instruction unless it equals {@code expected}. */
    private void skipUnless(CodeBuilder c, int pc, boolean expected) {
        if (expected) {
            c.ifeq(labels[pc + 2]);
        } else {
            c.ifne(labels[pc + 2]);
        }
    }

    /** Begins a store to register {@code r}: push the value next, then {@link #storeEnd}. */
    private void storeStart(CodeBuilder c, int r) {
        pending.push(r);
        if (!scalar) {
            c.aload(STACK);
            c.loadConstant(r);
        }
    }

    /** Ends the store begun last: the value on the operand stack goes to its register. */
    private void storeEnd(CodeBuilder c) {
        int r = pending.pop();
        if (scalar) {
            c.astore(REGISTERS + r);
        } else {
            c.aastore();
        }
    }

    private void reg(CodeBuilder c, int r) {
        if (scalar) {
            c.aload(REGISTERS + r);
        } else {
            c.aload(STACK);
            c.loadConstant(r);
            c.aaload();
        }
    }

    /** With scalar registers: copies registers [from, to) to the frame's array (for helpers that read ranges). */
    private void spill(CodeBuilder c, int from, int to) {
        if (scalar) {
            for (int r = from; r < Math.min(to, p.maxstacksize); r++) {
                c.aload(STACK);
                c.loadConstant(r);
                c.aload(REGISTERS + r);
                c.aastore();
            }
        }
    }

    /** With scalar registers: copies registers [from, to) back from the frame's array (after helpers wrote them). */
    private void reload(CodeBuilder c, int from, int to) {
        if (scalar) {
            for (int r = from; r < Math.min(to, p.maxstacksize); r++) {
                c.aload(STACK);
                c.loadConstant(r);
                c.aaload();
                c.astore(REGISTERS + r);
            }
        }
    }

    private void rk(CodeBuilder c, int x) {
        if (x > 0xff) {
            constant(c, x & 0xff, CD_LUA_VALUE);
        } else {
            reg(c, x);
        }
    }

    private void upValue(CodeBuilder c, int index) {
        c.aload(UPS);
        c.loadConstant(index);
        c.aaload();
    }

    private static String arith(int op) {
        return switch (op) {
            case Lua.OP_ADD -> "add";
            case Lua.OP_SUB -> "sub";
            case Lua.OP_MUL -> "mul";
            case Lua.OP_DIV -> "div";
            case Lua.OP_MOD -> "mod";
            default -> "pow";
        };
    }

    private static void constant(CodeBuilder c, int index, ClassDesc type) {
        c.ldc(DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, type, index));
    }
}
