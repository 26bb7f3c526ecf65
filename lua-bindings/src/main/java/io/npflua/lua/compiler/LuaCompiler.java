package io.npflua.lua.compiler;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.constant.ClassDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.UpValue;

/**
 * Compiles a chunk's prototypes to JVM classes, one hidden class per function, and says which functions it
 * compiled. A function it refuses (see {@link #compile}) runs in LuaJ's interpreter, and so do the functions nested
 * in it; everything else runs compiled. Classes are defined as hidden, non-strong classes: they unload with the last
 * closure, constant and state that refers to them.
 *
 * <pre>{@code
 * LuaCompiler.Chunk chunk = LuaCompiler.compile(prototype, globals, hook, true);
 * LuaFunction f = chunk.function(globals);          // the chunk's main function, environment globals
 * chunk.functions();                                // which function runs how, and why
 * }</pre>
 */
public final class LuaCompiler {
    /**
     * HotSpot does not JIT-compile a method whose bytecode is longer than this ({@code -XX:-DontCompileHugeMethods}
     * is off by default): such a function would run in the JVM's own interpreter, slower than LuaJ's. They stay in
     * LuaJ's interpreter instead.
     */
    public static final int HUGE_METHOD_BYTES = 8000;

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final ClassHierarchyResolver RESOLVER = ClassHierarchyResolver.defaultResolver()
            .orElse(ClassHierarchyResolver.ofClassLoading(LuaCompiler.class.getClassLoader()))
            .cached(ConcurrentHashMap::new);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private LuaCompiler() {}

    /**
     * How one function of a chunk runs.
     *
     * @param function {@code source:line} of its definition ({@code main chunk} for the chunk itself)
     * @param compiled true if it runs as JVM bytecode
     * @param reason   why it runs in the interpreter (null when compiled)
     * @param bytes    length of its compiled body in JVM bytecode (0 if never generated)
     * @param inPlaceSites {@code tostring(x):match(...)} sites that match on {@code x} in place, without a copy
     */
    public record FunctionReport(String function, boolean compiled, String reason, int bytes, int inPlaceSites) {}

    /**
     * A compiled chunk of one state: makes its main function, says how each function runs. It keeps the chunk's
     * classes (shared with every other state of the same source) alive while the state lives.
     */
    public static final class Chunk {
        private final Prototype root;
        private final Globals globals;
        private final CompiledFunction template;
        private final Shape shape;

        private Chunk(Prototype root, Globals globals, CompiledFunction template, Shape shape) {
            this.root = root;
            this.globals = globals;
            this.template = template;
            this.shape = shape;
        }

        /** A new closure of the main function whose environment ({@code _ENV}) is {@code env}. */
        public LuaFunction function(LuaValue env) {
            if (template != null) {
                CompiledFunction f = template.fresh();
                if (f.upValues.length > 0) {
                    f.upValues[0] = new UpValue(new LuaValue[] {env}, 0);
                }
                return f;
            }
            // The interpreter calls its hook only for closures made with the Globals object itself.
            LuaClosure f = new LuaClosure(root, globals);
            if (env != globals && f.upValues.length > 0) {
                f.upValues[0].setValue(env);
            }
            return f;
        }

        /** Every function of the chunk, outermost first, in source order. */
        public List<FunctionReport> functions() {
            return shape.reports;
        }

        /** True if every function runs compiled. */
        public boolean fullyCompiled() {
            return shape.reports.stream().allMatch(FunctionReport::compiled);
        }
    }

    /** The classes of one source, shared by its states: per prototype, its class's constructor (null: interpreted). */
    private record Node(MethodHandle constructor, Node[] children) {}

    /** A compiled source: the tree of classes and what the report says about them. */
    private record Shape(Node root, List<FunctionReport> reports) {}

    /** Compiled sources by key, held weakly: the states of a source keep its shape (and its classes) alive. */
    private static final ConcurrentHashMap<String, WeakReference<Shape>> SHAPES = new ConcurrentHashMap<>();

    /**
     * Compiles {@code root} and the functions nested in it. Refused (run by the interpreter, with the reason in
     * the report): a function with more than 262,143 constants ({@code OP_LOADKX}, which LuaJ's interpreter cannot
     * run either), one whose body would pass {@link #HUGE_METHOD_BYTES}, and every function nested in a refused one.
     *
     * @param hook   told about entries, exits, block steps and concatenations of compiled code
     * @param budget false only to measure the budget's cost: compiled code then never calls {@code hook.steps}
     */
    public static Chunk compile(Prototype root, Globals globals, CompiledHook hook, boolean budget) {
        return compile(root, globals, hook, budget, null, null);
    }

    /**
     * As {@link #compile(Prototype, Globals, CompiledHook, boolean)}; with a non-null {@code tostring} (the state's
     * builtin), {@code tostring(pkt):match(p)} runs on the packet in place where nothing else could see the
     * string (see {@link InPlaceString}). With a non-null {@code sourceKey} (chunk name and source text: what makes
     * LuaJ's compiler produce the same prototypes) the classes are shared with every state compiled with the same
     * key while one of them lives, so that all workers' states, and the warm-up's, run (and JIT-compile) one copy.
     */
    public static Chunk compile(
            Prototype root, Globals globals, CompiledHook hook, boolean budget, LuaValue tostring, String sourceKey) {
        boolean inPlace = tostring != null;
        String key = sourceKey == null ? null : budget + "/" + inPlace + "/" + sourceKey;
        Shape shape = null;
        if (key != null) {
            WeakReference<Shape> ref = SHAPES.get(key);
            shape = ref == null ? null : ref.get();
        }
        if (shape == null) {
            List<FunctionReport> reports = new ArrayList<>();
            try {
                Plan plan = plan(root, true, budget, inPlace, reports, "main chunk");
                shape = new Shape(define(plan), Collections.unmodifiableList(reports));
            } catch (RuntimeException | LinkageError e) {
                // A class the JVM refuses is a compiler bug: the script still runs, in the interpreter, and says so.
                shape = interpreted(root, "compiler error (please report): " + e);
            }
            if (key != null) {
                SHAPES.put(key, new WeakReference<>(shape));
                SHAPES.values().removeIf(r -> r.get() == null);
            }
        }
        CompiledFunction template = shape.root.constructor == null
                ? null
                : instantiate(shape.root, root, hook, globals, tostring == null ? LuaValue.NIL : tostring);
        return new Chunk(root, globals, template, shape);
    }

    /** A shape that runs every function of {@code root} in the interpreter, for {@code reason}. */
    private static Shape interpreted(Prototype root, String reason) {
        List<FunctionReport> reports = new ArrayList<>();
        Node node = interpretedNode(root, reports, "main chunk", reason);
        return new Shape(node, Collections.unmodifiableList(reports));
    }

    private static Node interpretedNode(Prototype p, List<FunctionReport> reports, String name, String reason) {
        reports.add(new FunctionReport(name, false, reason, 0, 0));
        Prototype[] nested = p.p == null ? new Prototype[0] : p.p;
        Node[] children = new Node[nested.length];
        for (int i = 0; i < nested.length; i++) {
            children[i] = interpretedNode(nested[i], reports, functionName(nested[i]), reason);
        }
        return new Node(null, children);
    }

    /** This state's template closure of {@code node} (prototype {@code p}), its children's first. */
    private static CompiledFunction instantiate(
            Node node, Prototype p, CompiledHook hook, Globals globals, LuaValue tostring) {
        Object[] children = new Object[node.children.length];
        for (int i = 0; i < children.length; i++) {
            Node child = node.children[i];
            children[i] = child.constructor != null ? instantiate(child, p.p[i], hook, globals, tostring) : p.p[i];
        }
        try {
            return (CompiledFunction) node.constructor.invoke(p, hook, globals, tostring, children);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot instantiate the class of " + functionName(p), t);
        }
    }

    /** What to do with one prototype: its class bytes (null: interpreted) and the plans of its children. */
    private record Plan(Prototype p, byte[] bytes, List<Object> classData, Plan[] children) {}

    private static Plan plan(
            Prototype p,
            boolean parentCompiled,
            boolean budget,
            boolean inPlace,
            List<FunctionReport> reports,
            String name) {
        int reportIndex = reports.size();
        reports.add(null);
        Prototype[] nested = p.p == null ? new Prototype[0] : p.p;
        String reason = parentCompiled ? FunctionCompiler.refusal(p) : "nested in an interpreted function";
        byte[] bytes = null;
        List<Object> classData = null;
        int length = 0;
        int sites = 0;
        Plan[] children = new Plan[nested.length];
        if (reason == null) {
            int mark = reports.size();
            boolean[] compiledChildren = new boolean[nested.length];
            for (int i = 0; i < nested.length; i++) {
                children[i] = plan(nested[i], true, budget, inPlace, reports, functionName(nested[i]));
                compiledChildren[i] = children[i].bytes != null;
            }
            ClassDesc name0 = ClassDesc.of(
                    LuaCompiler.class.getPackageName() + ".Lua$" + p.linedefined + "$" + SEQUENCE.incrementAndGet());
            ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.of(List.of(), Map.of(name0, FunctionCompiler.CD_COMPILED))
                            .orElse(RESOLVER)));
            try {
                FunctionCompiler fc = new FunctionCompiler(p, name0, compiledChildren, budget, inPlace);
                bytes = fc.generate(cf);
                classData = fc.classData();
                sites = fc.inPlaceSites();
                length = executeLength(cf.parse(bytes));
                if (length > HUGE_METHOD_BYTES) {
                    reason = "too large to compile well: " + length + " bytes of JVM bytecode, above HotSpot's "
                            + HUGE_METHOD_BYTES + "-byte limit for JIT compilation";
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                reason = "the JVM class could not be built: " + e.getMessage();
            }
            if (reason != null) {
                bytes = null;
                reports.subList(mark, reports.size()).clear();
            }
        }
        if (reason != null) {
            for (int i = 0; i < nested.length; i++) {
                children[i] = plan(nested[i], false, budget, inPlace, reports, functionName(nested[i]));
            }
        }
        reports.set(reportIndex, new FunctionReport(name, reason == null, reason, length, reason == null ? sites : 0));
        return new Plan(p, bytes, classData, children);
    }

    private static String functionName(Prototype p) {
        return (p.source == null ? "?" : p.source.tojstring()) + ":" + p.linedefined;
    }

    private static int executeLength(ClassModel model) {
        for (MethodModel m : model.methods()) {
            if (m.methodName().equalsString("execute")) {
                return m.findAttribute(Attributes.code())
                        .map(code -> code.codeLength())
                        .orElse(0);
            }
        }
        return 0;
    }

    private static final MethodType CONSTRUCTOR = MethodType.methodType(
            void.class, Prototype.class, CompiledHook.class, Globals.class, LuaValue.class, Object[].class);

    /** Defines the classes of a plan, children first. */
    private static Node define(Plan plan) {
        Node[] children = new Node[plan.children.length];
        for (int i = 0; i < children.length; i++) {
            children[i] = define(plan.children[i]);
        }
        if (plan.bytes == null) {
            return new Node(null, children);
        }
        try {
            MethodHandles.Lookup lookup = LOOKUP.defineHiddenClassWithClassData(plan.bytes, plan.classData, true);
            return new Node(lookup.findConstructor(lookup.lookupClass(), CONSTRUCTOR), children);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot define the class of " + functionName(plan.p), e);
        }
    }
}
