package io.npflua.lua.vm.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded generator of complete, terminating Lua 5.2 programs that print what they compute, for differential runs
 * of two engines. It is biased toward what a compiler to JVM bytecode gets wrong: many locals and registers, nested
 * closures and upvalues (closures made in numeric and generic {@code for}, {@code while} and {@code repeat} loops,
 * each iteration with its own upvalue; siblings sharing an upvalue that is mutated after capture), varargs and
 * multiple results (truncation, expansion, {@code select}, {@code {...}}), table constructors, method calls,
 * metatables with every metamethod, concatenation chains, numeric loops with any step, {@code goto}/labels and
 * {@code break}, bounded recursion, deep tail calls, {@code pcall}/{@code error} with every kind of error value,
 * short circuits, string methods, and now and then one huge function.
 *
 * <p>The programs keep clear of what legitimately differs between engines: numbers stay modest (assignments reduce
 * modulo a small constant, so no inf, NaN or huge floats), printed numbers get {@code + 0} (so no {@code -0}),
 * only integral numbers are concatenated (LuaJ formats other numbers differently under {@code ..}), error messages
 * are printed without their position, {@code pairs} results are sorted, and metamethod comparisons are between two
 * tables. Every loop and recursion is bounded, and a cost estimate keeps calls inside loops from multiplying.
 * The same seed gives the same program.
 */
final class LuaProgramGenerator {
    /** Helpers every program starts with: error text without position, vararg display, evaluation tracing. */
    static final String PRELUDE = """
            local function errtext(e)
              local t = type(e)
              if t == "string" or t == "number" then
                -- error(7) raises the number in Lua 5.3+ (and npflua), the string "chunk:line: 7" in Lua 5.2
                e = string.gsub(tostring(e), "^[^:]*:%d+:? ?", "")
                e = string.gsub(e, "%s+$", "")
                return "string:" .. e
              elseif t == "table" then
                return t .. ":" .. tostring(rawget(e, "code"))
              end
              return t
            end
            local function show(tag, ...)
              local n = select('#', ...)
              local parts = {}
              for i = 1, n do
                local v = select(i, ...)
                local tv = type(v)
                if tv == "table" or tv == "function" then v = tv end
                parts[i] = tostring(v)
              end
              print(tag, n, table.concat(parts, ","))
            end
            local function tr(tag, v)
              print("tr", tag, v)
              return v
            end
            """;

    private static final int[] MODULI = {97, 101, 251, 1009, 10007};
    private static final String[] WORDS = {"a", "bc", "xyz", "", "Hi", "k1", "lua", "Zz", "q r", "0"};
    /** A function whose estimated cost is above this is not called from generated expressions. */
    private static final long CALLABLE_COST = 3_000;
    /** Generation stops adding segments once the program's estimated cost passes this. */
    private static final long PROGRAM_COST = 2_000_000;

    private final SplittableRandom r;
    private final StringBuilder out = new StringBuilder();
    private int indent;
    private int ids;
    /** Estimated instructions of the code generated so far in the current function or loop body. */
    private long cost;

    private Block block;
    private Frame frame;

    LuaProgramGenerator(long seed) {
        r = new SplittableRandom(seed);
    }

    /**
     * A numeric local: {@code integral} when every value it ever holds is an integer; {@code assignable} unless it
     * counts a {@code while} or {@code repeat} loop (assigning it could make the loop endless).
     */
    private record Var(String name, boolean integral, boolean assignable) {
        Var(String name, boolean integral) {
            this(name, integral, true);
        }
    }

    /** A local function of {@code arity} integral arguments returning one integral number. */
    private record Fn(String name, int arity, long cost) {}

    /** A numeric expression with a bound on its magnitude and whether its value is always an integer. */
    private record Num(String text, double bound, boolean integral) {}

    /** A string expression with a bound on its length. */
    private record Str(String text, int length) {}

    /** One function being generated: whether it has {@code ...}, its loop nesting, its active locals. */
    private static final class Frame {
        final Frame outer;
        final boolean vararg;
        int loops;
        int locals;

        Frame(Frame outer, boolean vararg) {
            this.outer = outer;
            this.vararg = vararg;
        }
    }

    /** One lexical block: what it declared. */
    private static final class Block {
        final Block outer;
        final Frame frame;
        final List<Var> nums = new ArrayList<>();
        final List<String> strs = new ArrayList<>();
        final List<Fn> fns = new ArrayList<>();
        int declared;

        Block(Block outer, Frame frame) {
            this.outer = outer;
            this.frame = frame;
        }
    }

    /** The program for this generator's seed. */
    String program() {
        out.append(PRELUDE);
        frame = new Frame(null, true);
        block = new Block(null, frame);
        frame.locals = 3;
        int size = switch (r.nextInt(10)) {
            case 0, 1, 2 -> 2 + r.nextInt(4);
            case 3, 4, 5, 6 -> 5 + r.nextInt(6);
            case 7, 8 -> 10 + r.nextInt(8);
            default -> 16 + r.nextInt(14);
        };
        declareNum(true);
        declareNum(true);
        declareStr();
        if (r.nextInt(40) == 0) {
            bigFunction();
        }
        for (int i = 0; i < size && cost < PROGRAM_COST; i++) {
            segment(0);
        }
        if (r.nextInt(15) == 0) {
            uncaughtError();
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- output and scope

    private void emit(String line) {
        out.append("  ".repeat(indent)).append(line).append('\n');
    }

    private String fresh(String prefix) {
        return prefix + (++ids);
    }

    private String tag() {
        return "\"P" + (++ids) + "\"";
    }

    private void open(String line) {
        emit(line);
        indent++;
        block = new Block(block, frame);
    }

    private void close(String line) {
        leave();
        emit(line);
    }

    /** Ends the current block's scope without writing anything (the next branch of an {@code if} follows). */
    private void leave() {
        frame.locals -= block.declared;
        block = block.outer;
        indent--;
    }

    private void openFunction(String line, boolean vararg) {
        emit(line);
        indent++;
        frame = new Frame(frame, vararg);
        block = new Block(block, frame);
    }

    /**
     * For expressions written into the body of a one-line function without {@code ...}: returns the current frame
     * to restore afterwards.
     */
    private Frame enterInlineFunction() {
        Frame outer = frame;
        frame = new Frame(outer, false);
        return outer;
    }

    private void closeFunction() {
        block = block.outer;
        frame = frame.outer;
        indent--;
        emit("end");
    }

    private void local(int n) {
        block.declared += n;
        frame.locals += n;
    }

    /**
     * Locals active in this function and all enclosing ones: LuaJ 3.0.1 counts them all against its limit of 200
     * per function (and fails with a NullPointerException past it), so the generator keeps the sum well below.
     */
    private int activeLocals() {
        int n = 0;
        for (Frame f = frame; f != null; f = f.outer) {
            n += f.locals;
        }
        return n;
    }

    private List<Var> nums() {
        List<Var> all = new ArrayList<>();
        for (Block b = block; b != null; b = b.outer) {
            all.addAll(b.nums);
        }
        return all;
    }

    private List<String> strs() {
        List<String> all = new ArrayList<>();
        for (Block b = block; b != null; b = b.outer) {
            all.addAll(b.strs);
        }
        return all;
    }

    private List<Fn> fns() {
        List<Fn> all = new ArrayList<>();
        for (Block b = block; b != null; b = b.outer) {
            for (Fn f : b.fns) {
                if (f.cost() <= CALLABLE_COST) {
                    all.add(f);
                }
            }
        }
        return all;
    }

    private <T> T pick(List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    private int modulus() {
        return MODULI[r.nextInt(MODULI.length)];
    }

    private static String intLit(long v) {
        return v < 0 ? "(" + v + ")" : Long.toString(v);
    }

    /** Declares a numeric local with a random initial value; returns its name. */
    private String declareNum(boolean integral) {
        Num e = num(2);
        String name = fresh("n");
        emit("local " + name + " = " + reduce(e, integral));
        local(1);
        block.nums.add(new Var(name, integral));
        return name;
    }

    private String declareStr() {
        Str s = str(2);
        String name = fresh("s");
        emit("local " + name + " = " + s.text());
        local(1);
        block.strs.add(name);
        return name;
    }

    /** {@code e} reduced modulo a small constant (never -0, never large), made integral if asked. */
    private String reduce(Num e, boolean integral) {
        String t = integral && !e.integral() ? "math.floor(" + e.text() + ")" : "(" + e.text() + ")";
        return t + " % " + modulus();
    }

    /** {@code e} for printing: {@code + 0} turns -0 into 0, which engines print differently. */
    private static String shown(Num e) {
        return e.text() + " + 0";
    }

    // ---------------------------------------------------------------- expressions

    private Num literal() {
        if (r.nextInt(8) == 0) {
            double[] fr = {0.5, 1.25, 2.5, 0.75, 3.125, -1.5};
            double v = fr[r.nextInt(fr.length)];
            return new Num(v < 0 ? "(" + v + ")" : Double.toString(v), Math.abs(v), false);
        }
        long v = r.nextInt(5) == 0 ? -1 - r.nextInt(9) : r.nextInt(51);
        return new Num(intLit(v), Math.abs(v), true);
    }

    private Num leaf() {
        List<Var> vars = nums();
        if (!vars.isEmpty() && r.nextInt(3) != 0) {
            Var v = pick(vars);
            return new Num(v.name(), 10007, v.integral());
        }
        return literal();
    }

    Num num(int depth) {
        if (depth <= 0 || r.nextInt(5) == 0) {
            return leaf();
        }
        Num e = switch (r.nextInt(24)) {
            case 0, 1, 2 -> {
                Num a = num(depth - 1);
                Num b = num(depth - 1);
                yield new Num(
                        "(" + a.text() + " + " + b.text() + ")", a.bound() + b.bound(), a.integral() && b.integral());
            }
            case 3, 4 -> {
                Num a = num(depth - 1);
                Num b = num(depth - 1);
                yield new Num(
                        "(" + a.text() + " - " + b.text() + ")", a.bound() + b.bound(), a.integral() && b.integral());
            }
            case 5, 6 -> {
                Num a = num(depth - 1);
                Num b = a.bound() > 1e6 ? literal() : num(depth - 1);
                yield new Num(
                        "(" + a.text() + " * " + b.text() + ")", a.bound() * b.bound(), a.integral() && b.integral());
            }
            case 7, 8 -> {
                Num a = num(depth - 1);
                double[] ks = {3, 7, 10, 16, 97, -5, 2.5};
                double k = ks[r.nextInt(ks.length)];
                boolean ik = k == Math.rint(k);
                String kt = ik ? intLit((long) k) : Double.toString(k);
                yield new Num("(" + a.text() + " % " + kt + ")", Math.abs(k), a.integral() && ik);
            }
            case 9 -> {
                Num a = num(depth - 1);
                Num m = leaf();
                yield new Num("(" + a.text() + " % (" + m.text() + " % 7 + 1))", 8, a.integral() && m.integral());
            }
            case 10, 11 -> {
                Num a = num(depth - 1);
                long k = new long[] {2, 3, 4, -3, 10}[r.nextInt(5)];
                yield new Num("math.floor(" + a.text() + " / " + intLit(k) + ")", a.bound() / 2 + 1, true);
            }
            case 12 -> {
                Num a = num(depth - 1);
                String k = new String[] {"2", "4", "8", "(-2)", "0.5"}[r.nextInt(5)];
                yield new Num("(" + a.text() + " / " + k + ")", a.bound() * 2, false);
            }
            case 13 -> {
                Num a = num(depth - 1);
                yield new Num("(- " + a.text() + ")", a.bound(), a.integral());
            }
            case 14 -> {
                Num a = num(depth - 1);
                yield new Num("((" + a.text() + ") % 10) ^ " + r.nextInt(4), 1000, a.integral());
            }
            case 15 -> new Num("2 ^ " + r.nextInt(13), 4096, true);
            case 16, 17 -> call();
            case 18 -> {
                String c = cond(depth - 1);
                Num a = num(depth - 1);
                Num b = num(depth - 1);
                yield new Num(
                        "(" + c + " and " + a.text() + " or " + b.text() + ")",
                        Math.max(a.bound(), b.bound()),
                        a.integral() && b.integral());
            }
            case 19 -> frame.vararg ? new Num("select('#', ...)", 20, true) : leaf();
            case 20 -> {
                Str s = str(depth - 1);
                yield new Num((r.nextBoolean() ? "#(" + s.text() + ")" : "(" + s.text() + "):len()"), s.length(), true);
            }
            case 21 -> new Num("(\"" + pickWord(1) + "\"):byte(" + (1 + r.nextInt(1)) + ")", 255, true);
            case 22 -> {
                Num a = num(depth - 1);
                Num b = num(depth - 1);
                String f = new String[] {"math.max", "math.min"}[r.nextInt(2)];
                yield new Num(
                        f + "(" + a.text() + ", " + b.text() + ")",
                        Math.max(a.bound(), b.bound()),
                        a.integral() && b.integral());
            }
            default -> {
                Num a = num(depth - 1);
                yield new Num("math.abs(" + a.text() + ")", a.bound(), a.integral());
            }
        };
        if (e.bound() > 1e9) {
            return new Num("(" + e.text() + " % " + modulus() + ")", 10007, e.integral());
        }
        return e;
    }

    private String pickWord(int minLength) {
        String w;
        do {
            w = WORDS[r.nextInt(WORDS.length)];
        } while (w.length() < minLength);
        return w;
    }

    /** A call of a visible numeric function, or a literal when none may be called here. */
    private Num call() {
        List<Fn> fs = fns();
        if (fs.isEmpty()) {
            return literal();
        }
        Fn f = pick(fs);
        StringBuilder b = new StringBuilder(f.name()).append('(');
        for (int i = 0; i < f.arity(); i++) {
            b.append(i == 0 ? "" : ", ").append(reduce(num(1), true)); // parameters are assumed modest
        }
        cost += f.cost() + 2;
        return new Num(b.append(')').toString(), 10007, true);
    }

    private static String integral(Num e) {
        return e.integral() ? e.text() : "math.floor(" + e.text() + ")";
    }

    String cond(int depth) {
        if (depth <= 0 || r.nextInt(4) == 0) {
            String[] ops = {"<", "<=", ">", ">=", "==", "~="};
            return num(1).text() + " " + ops[r.nextInt(ops.length)] + " " + num(1).text();
        }
        return switch (r.nextInt(8)) {
            case 0 -> "not (" + cond(depth - 1) + ")";
            case 1, 2 -> "(" + cond(depth - 1) + " and " + cond(depth - 1) + ")";
            case 3, 4 -> "(" + cond(depth - 1) + " or " + cond(depth - 1) + ")";
            case 5 -> "tr(\"c" + (++ids) + "\", " + cond(depth - 1) + ")";
            case 6 -> {
                Str a = str(1);
                Str b = str(1);
                yield a.text() + " " + new String[] {"==", "<", "~=", ">="}[r.nextInt(4)] + " " + b.text();
            }
            default -> r.nextBoolean() ? "true" : "false";
        };
    }

    Str str(int depth) {
        List<String> vars = strs();
        if (depth <= 0 || r.nextInt(4) == 0) {
            if (!vars.isEmpty() && r.nextBoolean()) {
                return new Str(pick(vars), 40);
            }
            String w = pickWord(0);
            return new Str("\"" + w + "\"", w.length());
        }
        Str s = switch (r.nextInt(11)) {
            case 0, 1, 2 -> {
                Str a = str(depth - 1);
                Str b = str(depth - 1);
                yield new Str(a.text() + " .. " + b.text(), a.length() + b.length());
            }
            case 3 -> {
                Str a = str(depth - 1);
                yield new Str(a.text() + " .. " + reduce(num(1), true), a.length() + 6);
            }
            case 4 -> new Str("tostring(" + shown(num(2)) + ")", 24);
            case 5 -> {
                Str a = str(depth - 1);
                int k = r.nextInt(4);
                yield new Str("(" + a.text() + "):rep(" + k + ")", a.length() * k);
            }
            case 6 -> {
                Str a = str(depth - 1);
                yield new Str(
                        "(" + a.text() + "):sub(" + intLit(r.nextInt(9) - 4) + ", " + intLit(r.nextInt(11) - 4) + ")",
                        a.length());
            }
            case 7 -> {
                Str a = str(depth - 1);
                yield new Str("(" + a.text() + "):" + (r.nextBoolean() ? "upper" : "lower") + "()", a.length());
            }
            case 8 ->
                new Str(
                        "string.format(\"%d|%s\", " + integral(num(1)) + ", "
                                + str(depth - 1).text() + ")",
                        60);
            case 9 -> new Str("string.char(65 + " + reduce(num(1), true) + " % 26)", 1);
            default -> {
                String c = cond(depth - 1);
                Str a = str(depth - 1);
                Str b = str(depth - 1);
                yield new Str("(" + c + " and " + a.text() + " or " + b.text() + ")", Math.max(a.length(), b.length()));
            }
        };
        if (s.length() > 120) {
            return new Str("(" + s.text() + "):sub(1, 40)", 40);
        }
        return s;
    }

    // ---------------------------------------------------------------- statements

    /** {@code n} random statements in the current block. */
    private void statements(int n, int depth) {
        for (int i = 0; i < n; i++) {
            statement(depth);
        }
    }

    private void statement(int depth) {
        List<Var> vars = nums();
        int k = r.nextInt(20);
        List<Var> assignable = vars.stream().filter(Var::assignable).toList();
        if (k < 4 && !assignable.isEmpty()) {
            Var v = pick(assignable);
            emit(v.name() + " = " + reduce(num(3), v.integral()));
        } else if (k < 6) {
            if (activeLocals() < 150) {
                if (r.nextInt(4) == 0) {
                    declareStr();
                } else {
                    declareNum(r.nextInt(3) != 0);
                }
            }
        } else if (k < 10) {
            printStatement();
        } else if (k < 12 && depth < 3) {
            ifStatement(depth);
        } else if (k < 14 && depth < 3) {
            loop(depth);
        } else if (k == 14 && frame.loops > 0) {
            emit("if " + cond(1) + " then break end");
        } else if (k == 15 && !vars.isEmpty()) {
            // a call whose result is dropped: only its side effects count
            Num c = call();
            if (c.text().contains("(")) {
                emit("local _ = " + c.text());
                local(1);
            }
        } else if (depth < 2) {
            segment(depth + 1);
        } else {
            printStatement();
        }
    }

    private void printStatement() {
        StringBuilder b = new StringBuilder("print(").append(tag());
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            b.append(", ");
            switch (r.nextInt(5)) {
                case 0 -> b.append(str(2).text());
                case 1 -> b.append(cond(2));
                default -> b.append(shown(num(3)));
            }
        }
        emit(b.append(')').toString());
    }

    private void ifStatement(int depth) {
        open("if " + cond(2) + " then");
        statements(1 + r.nextInt(3), depth + 1);
        int elseifs = r.nextInt(3);
        for (int i = 0; i < elseifs; i++) {
            leave();
            open("elseif " + cond(2) + " then"); // the condition sees none of the previous branch's locals
            statements(1 + r.nextInt(2), depth + 1);
        }
        if (r.nextBoolean()) {
            leave();
            open("else");
            statements(1 + r.nextInt(2), depth + 1);
        }
        close("end");
    }

    /** A bounded loop of one of the five kinds, its body random statements. */
    private void loop(int depth) {
        long saved = cost;
        cost = 0;
        int iterations;
        boolean cont = r.nextInt(3) == 0;
        String label = fresh("continue");
        frame.loops++;
        switch (r.nextInt(5)) {
            case 0, 1 -> {
                String[] steps = {"1", "2", "-1", "-2", "0.5", "-0.25", "3"};
                String step = steps[r.nextInt(steps.length)];
                double s = Double.parseDouble(step);
                int n = r.nextInt(8);
                long from = r.nextInt(11) - 5;
                double to = from + s * n + (r.nextBoolean() ? 0 : s / 3);
                String i = fresh("i");
                open("for " + i + " = " + intLit(from) + ", " + fmt(to) + ", " + (s < 0 ? "(" + step + ")" : step)
                        + " do");
                block.nums.add(new Var(i, s == Math.rint(s)));
                local(1);
                iterations = n + 1;
            }
            case 2 -> {
                String i = fresh("w");
                int n = 1 + r.nextInt(6);
                emit("local " + i + " = 0");
                local(1);
                open("while " + i + " < " + n + " do");
                emit(i + " = " + i + " + 1");
                block.nums.add(new Var(i, true, false));
                iterations = n;
            }
            case 3 -> {
                String i = fresh("w");
                int n = 1 + r.nextInt(6);
                emit("local " + i + " = 0");
                local(1);
                open("repeat");
                emit(i + " = " + i + " + 1");
                block.nums.add(new Var(i, true, false));
                cont = false; // a label before 'until' would leave the scope of the body's locals
                iterations = n;
                statementsInLoop(depth, false, label);
                String last = fresh("u");
                emit("local " + last + " = " + i + " * 2");
                local(1);
                close("until " + last + " >= " + (2 * n) + " or " + cond(1) + " and false");
                frame.loops--;
                cost = saved + (long) iterations * (cost + 5);
                return;
            }
            default -> {
                String idx = fresh("k");
                String val = fresh("v");
                int n = r.nextInt(6);
                StringBuilder t = new StringBuilder("{");
                for (int j = 0; j < n; j++) {
                    t.append(j == 0 ? "" : ", ").append(reduce(num(1), true));
                }
                open("for " + idx + ", " + val + " in ipairs(" + t + "}) do");
                block.nums.add(new Var(idx, true));
                block.nums.add(new Var(val, true));
                local(2);
                iterations = n;
            }
        }
        statementsInLoop(depth, cont, label);
        frame.loops--;
        close("end");
        cost = saved + (long) Math.max(iterations, 1) * (cost + 5);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? intLit((long) v) : (v < 0 ? "(" + v + ")" : Double.toString(v));
    }

    private void statementsInLoop(int depth, boolean cont, String label) {
        if (cont) {
            emit("if " + cond(1) + " then goto " + label + " end");
        }
        statements(1 + r.nextInt(3), depth + 1);
        if (cont) {
            emit("::" + label + "::");
        }
    }

    // ---------------------------------------------------------------- feature segments

    /** One self-contained feature exercise, sometimes wrapped in {@code do ... end}. */
    private void segment(int depth) {
        boolean wrap = activeLocals() > 120 || r.nextInt(3) == 0;
        if (wrap) {
            open("do");
        }
        switch (r.nextInt(22)) {
            case 0, 1 -> numericFunction(depth);
            case 2 -> closuresInNumericFor();
            case 3 -> closuresInWhileAndRepeat();
            case 4 -> closuresInGenericFor();
            case 5 -> sharedUpvalues();
            case 6 -> nestedClosures();
            case 7 -> varargs();
            case 8 -> multipleResults();
            case 9 -> tables();
            case 10 -> methods();
            case 11 -> arithmeticMetamethods();
            case 12 -> indexMetamethods();
            case 13 -> gotos();
            case 14 -> recursion();
            case 15 -> tailCalls();
            case 16 -> errors();
            case 17 -> strings();
            case 18 -> manyLocals();
            case 19 -> sortedPairs();
            default -> {
                if (depth < 3) {
                    loop(depth);
                } else {
                    printStatement();
                }
            }
        }
        if (wrap) {
            close("end");
        }
    }

    /** A local function with random statements, then called and its result printed. */
    private void numericFunction(int depth) {
        String name = fresh("f");
        int arity = r.nextInt(4);
        List<String> params = new ArrayList<>();
        for (int i = 0; i < arity; i++) {
            params.add(fresh("a"));
        }
        boolean vararg = r.nextInt(4) == 0;
        List<String> all = new ArrayList<>(params);
        if (vararg) {
            all.add("...");
        }
        long saved = cost;
        cost = 0;
        emit("local " + name);
        local(1);
        openFunction(name + " = function(" + String.join(", ", all) + ")", vararg);
        for (String p : params) {
            block.nums.add(new Var(p, true));
        }
        local(arity);
        statements(1 + r.nextInt(5), depth + 1);
        emit("return " + reduce(num(3), true));
        closeFunction();
        long fnCost = cost + 5;
        cost = saved;
        block.fns.add(new Fn(name, arity, fnCost));
        int calls = 1 + r.nextInt(3);
        for (int i = 0; i < calls; i++) {
            List<String> args = new ArrayList<>();
            for (int a = 0; a < arity; a++) {
                args.add(reduce(num(1), true));
            }
            for (int a = vararg ? r.nextInt(3) : 0; a > 0; a--) {
                args.add(Integer.toString(r.nextInt(10)));
            }
            emit("print(" + tag() + ", " + name + "(" + String.join(", ", args) + "))");
            cost += fnCost;
        }
    }

    private void closuresInNumericFor() {
        String fs = fresh("fs");
        String i = fresh("i");
        String k = fresh("c");
        String[] steps = {"1", "2", "(-1)", "0.5", "(-1.5)", "3"};
        String step = steps[r.nextInt(steps.length)];
        double s = Double.parseDouble(step.replace("(", "").replace(")", ""));
        int n = 1 + r.nextInt(6);
        long from = r.nextInt(7) - 3;
        emit("local " + fs + " = {}");
        local(1);
        open("for " + i + " = " + intLit(from) + ", " + fmt(from + s * (n - 1)) + ", " + step + " do");
        emit("local " + k + " = " + i + " * " + (1 + r.nextInt(5)));
        String skip = r.nextBoolean() ? fresh("skip") : null;
        if (skip != null) {
            emit("if " + i + " == " + fmt(from + s) + " then goto " + skip + " end");
        }
        emit(fs + "[#" + fs + " + 1] = function(d) " + k + " = " + k + " + d return " + i + " * 100 + " + k + " end");
        if (skip != null) {
            emit("::" + skip + "::");
        }
        close("end");
        String j = fresh("j");
        emit("for " + j + " = 1, #" + fs + " do print(" + tag() + ", " + j + ", " + fs + "[" + j + "](1) + 0, " + fs
                + "[" + j + "](" + r.nextInt(5) + ") + 0) end");
        if (r.nextBoolean()) {
            emit("print(" + tag() + ", #" + fs + ", " + fs + "[1] and " + fs + "[1](0) + 0)");
        }
    }

    private void closuresInWhileAndRepeat() {
        String fs = fresh("ws");
        String w = fresh("w");
        String c = fresh("c");
        int n = 1 + r.nextInt(5);
        emit("local " + fs + ", " + w + " = {}, 0");
        local(2);
        if (r.nextBoolean()) {
            open("while " + w + " < " + n + " do");
            emit(w + " = " + w + " + 1");
            emit("local " + c + " = " + w + " * " + (2 + r.nextInt(4)));
            if (r.nextBoolean()) {
                String next = fresh("next");
                emit("if " + w + " == " + (1 + r.nextInt(n)) + " then goto " + next + " end");
                emit(fs + "[#" + fs + " + 1] = function() " + c + " = " + c + " + 10 return " + c + " end");
                emit("::" + next + "::");
            } else {
                emit(fs + "[" + w + "] = function() " + c + " = " + c + " + 10 return " + c + " end");
            }
            close("end");
        } else {
            open("repeat");
            emit(w + " = " + w + " + 1");
            emit("local " + c + " = " + w + " * " + (2 + r.nextInt(4)));
            emit(fs + "[" + w + "] = function() " + c + " = " + c + " - 1 return " + c + ", " + w + " end");
            close("until " + c + " >= " + (2 * n) + " or " + w + " >= " + n);
        }
        emit("for q = 1, #" + fs + " do show(" + tag() + ", " + fs + "[q]()) end");
        emit("if #" + fs + " > 0 then show(" + tag() + ", " + fs + "[1](), " + fs + "[#" + fs + "]()) end");
    }

    private void closuresInGenericFor() {
        String gs = fresh("gs");
        String idx = fresh("k");
        String val = fresh("v");
        int n = r.nextInt(6);
        StringBuilder t = new StringBuilder("{");
        for (int j = 0; j < n; j++) {
            t.append(j == 0 ? "" : ", ").append(reduce(num(1), true));
        }
        emit("local " + gs + " = {}");
        local(1);
        open("for " + idx + ", " + val + " in ipairs(" + t + "}) do");
        emit(gs + "[" + idx + "] = function(x) " + val + " = " + val + " + x return " + idx + " * 1000 + " + val
                + " end");
        if (r.nextBoolean()) {
            emit("if " + idx + " >= " + (1 + r.nextInt(4)) + " then break end");
        }
        close("end");
        emit("for q = #" + gs + ", 1, -1 do print(" + tag() + ", q, " + gs + "[q](1), " + gs + "[q](2)) end");
    }

    private void sharedUpvalues() {
        String mk = fresh("mk");
        String inc = fresh("inc");
        String get = fresh("get");
        String reset = fresh("reset");
        emit("local function " + mk + "(start)");
        emit("  local c = start");
        emit("  local function inc(d) c = (c + d) % 1009 return c end");
        emit("  local function get() return c end");
        emit("  return inc, get, function(v) c = v end");
        emit("end");
        emit("local " + inc + ", " + get + ", " + reset + " = " + mk + "(" + reduce(num(1), true) + ")");
        local(4);
        int calls = 1 + r.nextInt(4);
        for (int i = 0; i < calls; i++) {
            switch (r.nextInt(3)) {
                case 0 -> emit(inc + "(" + r.nextInt(9) + ")");
                case 1 -> emit("print(" + tag() + ", " + get + "(), " + inc + "(1))");
                default -> emit(reset + "(" + r.nextInt(50) + ")");
            }
        }
        emit("print(" + tag() + ", " + get + "())");
        String v = fresh("v");
        String g = fresh("g");
        emit("local " + v + " = " + r.nextInt(10));
        emit("local " + g + " = function() return " + v + " end");
        emit(v + " = " + v + " + " + (1 + r.nextInt(9)));
        emit("print(" + tag() + ", " + g + "(), " + v + ")");
        local(2);
    }

    private void nestedClosures() {
        String a = fresh("x");
        String outer = fresh("o");
        int d1 = r.nextInt(10);
        emit("local " + a + " = " + d1);
        emit("local function " + outer + "(p)");
        emit("  local q = p * 2");
        emit("  return function(z)");
        emit("    q = q + z");
        emit("    " + a + " = (" + a + " + 1) % 97");
        emit("    return function() return p + q + " + a + " + z end");
        emit("  end");
        emit("end");
        local(2);
        String h = fresh("h");
        emit("local " + h + " = " + outer + "(" + r.nextInt(9) + ")");
        emit("local " + h + "a, " + h + "b = " + h + "(1), " + h + "(2)");
        emit("print(" + tag() + ", " + h + "a(), " + h + "b(), " + a + ")");
        emit(a + " = 50");
        emit("print(" + tag() + ", " + h + "a(), " + h + "(3)(), " + outer + "(1)(1)())");
        local(3);
        block.nums.add(new Var(a, true));
    }

    private String argList(boolean nils) {
        int n = r.nextInt(5);
        List<String> args = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            args.add(nils && r.nextInt(4) == 0 ? "nil" : r.nextInt(3) == 0 ? str(1).text() : shown(num(1)));
        }
        return String.join(", ", args);
    }

    /** {@link #argList} after a first argument: empty, or starting with a comma. */
    private String moreArgs() {
        String args = argList(true);
        return args.isEmpty() ? "" : ", " + args;
    }

    private void varargs() {
        String va = fresh("va");
        String pass = fresh("pass");
        String sum = fresh("sum");
        emit("local function " + va + "(...)");
        emit("  local n = select('#', ...)");
        emit("  local t = {...}");
        emit("  local a, b = ...");
        emit("  show(\"va\", n, a, b, (...), t[n])");
        emit("  return ...");
        emit("end");
        emit("local function " + pass + "(...) return select('#', ...), " + va + "(...) end");
        emit("local function " + sum + "(...)");
        emit("  local s = 0");
        emit("  for i = 1, select('#', ...) do local v = select(i, ...) if type(v) == \"number\" then s = s + v end"
                + " end");
        emit("  return s");
        emit("end");
        local(3);
        int n = 2 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(7)) {
                case 0 -> emit("show(" + tag() + ", " + va + "(" + argList(true) + "))");
                case 1 -> emit("show(" + tag() + ", " + pass + "(" + argList(true) + "))");
                case 2 -> emit("show(" + tag() + ", (" + va + "(" + argList(true) + ")))");
                case 3 ->
                    emit("show(" + tag() + ", select(" + (1 + r.nextInt(3)) + ", " + va + "(" + argList(true) + ")))");
                case 4 ->
                    emit("print(" + tag() + ", " + sum + "(" + va + "(" + argList(false) + ")) + 0, " + sum + "(1, "
                            + va + "(2, 3), 4) + 0)");
                case 5 ->
                    emit("show(" + tag() + ", {" + va + "(" + argList(true) + ")} ~= nil, " + va + "(1, nil)," + " "
                            + va + "())");
                default ->
                    emit("print(" + tag() + ", select('#', " + va + "(" + argList(true) + ")), #{" + va
                            + "(1, 2, 3)})");
            }
        }
    }

    private void multipleResults() {
        String mr = fresh("mr");
        int n = r.nextInt(5);
        List<String> vals = new ArrayList<>();
        Frame outer = enterInlineFunction();
        for (int i = 0; i < n; i++) {
            vals.add(r.nextInt(4) == 0 ? str(1).text() : shown(num(1)));
        }
        frame = outer;
        emit("local function " + mr + "() return " + String.join(", ", vals) + " end");
        local(1);
        String t = fresh("t");
        emit("local " + t + " = {" + mr + "(), " + mr + "()}");
        emit("print(" + tag() + ", #" + t + ", select('#', " + mr + "()), select('#', (" + mr + "())))");
        emit("show(" + tag() + ", " + mr + "(), " + mr + "())");
        emit("show(" + tag() + ", " + mr + "(), \"end\")");
        emit("local " + t + "a, " + t + "b, " + t + "c, " + t + "d, " + t + "e = " + mr + "()");
        emit("show(" + tag() + ", " + t + "a, " + t + "b, " + t + "c, " + t + "d, " + t + "e)");
        emit("local " + t + "f, " + t + "g = " + mr + "(), 7");
        emit("show(" + tag() + ", " + t + "f, " + t + "g)");
        emit("local function " + t + "w() return " + mr + "() end");
        emit("local function " + t + "x() return (" + mr + "()) end");
        emit("local function " + t + "y() return 0, " + mr + "() end");
        emit("show(" + tag() + ", " + t + "w()) show(" + tag() + ", " + t + "x()) show(" + tag() + ", " + t + "y())");
        emit("local " + t + "t = {" + mr + "(), k = 5, " + mr + "()}");
        emit("print(" + tag() + ", #" + t + "t, " + t + "t.k)");
        local(11);
    }

    private void tables() {
        String t = fresh("t");
        int n = 1 + r.nextInt(6);
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append(reduce(num(1), true));
        }
        b.append(", name = ")
                .append(str(1).text())
                .append(", [\"k\" .. ")
                .append(r.nextInt(5))
                .append("] = 9");
        emit("local " + t + " = " + b + "}");
        local(1);
        emit(t + "[#" + t + " + 1] = " + reduce(num(2), true));
        emit("table.insert(" + t + ", " + r.nextInt(50) + ")");
        if (r.nextBoolean()) {
            emit("table.insert(" + t + ", 1, " + r.nextInt(50) + ")");
        }
        if (r.nextBoolean()) {
            emit("print(" + tag() + ", table.remove(" + t + "), #" + t + ")");
        }
        emit("local " + t + "s = 0");
        emit("for _, v in ipairs(" + t + ") do " + t + "s = " + t + "s + v end");
        emit("print(" + tag() + ", #" + t + ", " + t + "s, " + t + ".name, " + t + ".k1, " + t + "[#" + t + "], " + t
                + "[" + (1 + r.nextInt(n)) + "])");
        emit("print(" + tag() + ", table.concat(" + t + ", \",\"))");
        local(1);
        if (r.nextBoolean()) {
            emit("table.sort(" + t + (r.nextBoolean() ? ", function(a, b) return a > b end" : "") + ")");
            emit("print(" + tag() + ", table.concat(" + t + ", \" \"), select('#', table.unpack(" + t + ")))");
        }
        emit("local " + t + "n = {{1, 2}, {3, {4, 5}}, x = {y = {z = " + r.nextInt(9) + "}}}");
        emit("print(" + tag() + ", " + t + "n[2][2][1], " + t + "n.x.y.z, #" + t + "n, #" + t + "n[2])");
        local(1);
    }

    private void methods() {
        String o = fresh("obj");
        emit("local " + o + " = {n = " + r.nextInt(20) + ", name = " + str(1).text() + "}");
        emit("function " + o + ":add(v) self.n = (self.n + v) % 1009 return self end");
        emit("function " + o + ".get(self) return self.n end");
        emit("function " + o + ":both(...) return self.n, select('#', ...), ... end");
        local(1);
        emit(o + ":add(" + r.nextInt(9) + "):add(" + integral(num(1)) + ")");
        emit("print(" + tag() + ", " + o + ":get(), " + o + ".get(" + o + "), " + o + ".name)");
        emit("show(" + tag() + ", " + o + ":both(" + argList(true) + "))");
        emit("show(" + tag() + ", " + o + ":add(1):both())");
        String m = fresh("m");
        emit("local " + m + " = \"add\"");
        emit(o + "[" + m + "](" + o + ", 2)");
        emit("print(" + tag() + ", " + o + "[\"get\"](" + o + "))");
        local(1);
    }

    private void arithmeticMetamethods() {
        String mt = fresh("V");
        String vec = fresh("vec");
        emit("local " + mt + " = {}");
        emit(mt + ".__index = " + mt);
        emit("local function " + vec + "(x) return setmetatable({x = x}, " + mt + ") end");
        emit("local function " + mt + "x(a) if type(a) == \"table\" then return a.x end return a end");
        emit(mt + ".__add = function(a, b) return " + vec + "((" + mt + "x(a) + " + mt + "x(b)) % 1009) end");
        emit(mt + ".__sub = function(a, b) return " + vec + "((" + mt + "x(a) - " + mt + "x(b)) % 1009) end");
        emit(mt + ".__mul = function(a, b) return " + vec + "((" + mt + "x(a) * " + mt + "x(b)) % 1009) end");
        emit(mt + ".__div = function(a, b) return " + vec + "(" + mt + "x(a) / (" + mt + "x(b) % 5 + 1)) end");
        emit(mt + ".__mod = function(a, b) return " + vec + "(" + mt + "x(a) % (" + mt + "x(b) % 7 + 1)) end");
        emit(mt + ".__pow = function(a, b) return " + vec + "((" + mt + "x(a) % 10) ^ (" + mt + "x(b) % 3)) end");
        emit(mt + ".__unm = function(a) return " + vec + "(0 - a.x) end");
        emit(mt + ".__concat = function(a, b) return \"<\" .. tostring(" + mt + "x(a)) .. \"|\" .. tostring(" + mt
                + "x(b)) .. \">\" end");
        emit(mt + ".__len = function(a) return a.x % 13 end");
        emit(mt + ".__eq = function(a, b) return a.x % 5 == b.x % 5 end");
        emit(mt + ".__lt = function(a, b) return a.x < b.x end");
        if (r.nextBoolean()) {
            emit(mt + ".__le = function(a, b) return a.x <= b.x end");
        }
        emit(mt + ".__call = function(self, a, b) return self.x, a, b end");
        emit("function " + mt + ":get() return self.x + 0 end");
        local(4);
        String p = fresh("p");
        String q = fresh("q");
        emit("local " + p + ", " + q + " = " + vec + "(" + integral(num(1)) + " % 50), " + vec + "(" + r.nextInt(30)
                + ")");
        local(2);
        String[] ops = {"+", "-", "*", "/", "%", "^"};
        int n = 2 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            String op = ops[r.nextInt(ops.length)];
            String lhs = r.nextInt(3) == 0 ? Integer.toString(r.nextInt(9)) : p;
            String rhs = lhs.equals(p) && r.nextBoolean() ? Integer.toString(1 + r.nextInt(9)) : q;
            emit("print(" + tag() + ", (" + lhs + " " + op + " " + rhs + "):get(), (-" + p + "):get() + 0, #" + q
                    + ")");
        }
        emit("print(" + tag() + ", " + p + " .. " + q + ", " + p + " .. \"s\", 3 .. " + q + ", " + p + " .. " + q
                + " .. \"!\")");
        emit("print(" + tag() + ", " + p + " == " + q + ", " + p + " ~= " + q + ", " + p + " < " + q + ", " + p + " <= "
                + q + ", " + p + " > " + q + ", " + q + " >= " + p + ", " + p + " == " + p + ")");
        emit("show(" + tag() + ", " + p + "(" + argList(true) + "))");
        emit("print(" + tag() + ", rawequal(" + p + ", " + q + "), rawlen(" + p + "), getmetatable(" + p + ") == " + mt
                + ")");
    }

    private void indexMetamethods() {
        String base = fresh("Base");
        String derived = fresh("Derived");
        emit("local " + base + " = {kind = \"base\"}");
        emit(base + ".__index = " + base);
        emit("function " + base + ".new(v) return setmetatable({v = v}, " + base + ") end");
        emit("function " + base + ":value() return self.v * 2 end");
        emit("function " + base + ":describe() return self.kind .. \":\" .. self:value() end");
        emit("local " + derived + " = setmetatable({kind = \"derived\"}, {__index = " + base + "})");
        emit(derived + ".__index = " + derived);
        emit("function " + derived + ".new(v) return setmetatable({v = v}, " + derived + ") end");
        emit("function " + derived + ":value() return " + base + ".value(self) + 1 end");
        local(2);
        String b = fresh("b");
        String d = fresh("d");
        emit("local " + b + ", " + d + " = " + base + ".new(" + r.nextInt(20) + "), " + derived + ".new("
                + r.nextInt(20) + ")");
        emit("print(" + tag() + ", " + b + ":describe(), " + d + ":describe(), " + d + ".kind, " + b + ".missing)");
        local(2);
        String p = fresh("proxy");
        String log = fresh("log");
        emit("local " + log + " = {}");
        emit("local " + p + " = setmetatable({}, {__index = function(t, k) return type(k) == \"number\" and k * 3 or"
                + " tostring(k) .. \"?\" end, __newindex = function(t, k, v) " + log + "[#" + log + " + 1] = k"
                + " rawset(t, k, v * 2) end})");
        emit(p + ".a = " + r.nextInt(9));
        emit(p + ".a = " + r.nextInt(9));
        emit(p + "[" + r.nextInt(5) + "] = 1");
        emit("print(" + tag() + ", " + p + ".a, " + p + ".zz, " + p + "[7], " + p + "[" + r.nextInt(5) + "], #" + log
                + ", " + log + "[1], rawget(" + p + ", \"zz\"))");
        local(2);
        String c = fresh("callable");
        emit("local " + c + " = setmetatable({}, {__call = function(self, ...) return select('#', ...), ... end})");
        emit("show(" + tag() + ", " + c + "(" + argList(true) + "))");
        emit("show(" + tag() + ", pcall(" + c + ", 1, 2))");
        local(1);
        String ch = fresh("chain");
        emit("local " + ch + " = setmetatable({}, {__index = setmetatable({mid = 1}, {__index = {deep = "
                + r.nextInt(50) + "}})})");
        emit("print(" + tag() + ", " + ch + ".deep, " + ch + ".mid, " + ch + ".none)");
        local(1);
    }

    private void gotos() {
        String i = fresh("g");
        int n = 2 + r.nextInt(6);
        emit("local " + i + " = 0");
        local(1);
        emit("::top" + i + "::");
        emit(i + " = " + i + " + 1");
        emit("if " + i + " % " + (2 + r.nextInt(2)) + " == 0 then print(" + tag() + ", " + i + ") end");
        emit("if " + i + " < " + n + " then goto top" + i + " end");
        String s = fresh("gs");
        emit("local " + s + " = 0");
        local(1);
        open("for a = 1, " + (2 + r.nextInt(4)) + " do");
        open("for b = 1, " + (2 + r.nextInt(4)) + " do");
        emit("if b == a then goto cont" + s + " end");
        emit("if a * b > " + (4 + r.nextInt(8)) + " then goto out" + s + " end");
        emit(s + " = " + s + " + a * b");
        emit("::cont" + s + "::");
        close("end");
        close("end");
        emit("::out" + s + "::");
        emit("print(" + tag() + ", " + s + ", " + i + ")");
        block.nums.add(new Var(i, true));
    }

    private void recursion() {
        String f = fresh("rec");
        int depth = r.nextInt(40);
        int k = 1 + r.nextInt(5);
        emit("local function " + f + "(n) if n <= 0 then return " + r.nextInt(5) + " end return (" + f + "(n - 1) * "
                + k + " + n) % 1009 end");
        emit("print(" + tag() + ", " + f + "(" + depth + "), " + f + "(" + r.nextInt(10) + "))");
        String ev = fresh("even");
        String od = fresh("odd");
        emit("local " + ev + ", " + od);
        emit("function " + ev + "(n) if n == 0 then return true end return " + od + "(n - 1) end");
        emit("function " + od + "(n) if n == 0 then return false end return " + ev + "(n - 1) end");
        emit("print(" + tag() + ", " + ev + "(" + r.nextInt(30) + "), " + od + "(" + r.nextInt(30) + "))");
        String fib = fresh("fib");
        emit("local " + fib + "memo = {}");
        emit("local function " + fib + "(n) if n < 2 then return n end local m = " + fib + "memo[n] if m then return"
                + " m end m = " + fib + "(n - 1) + " + fib + "(n - 2) " + fib + "memo[n] = m return m end");
        emit("print(" + tag() + ", " + fib + "(" + r.nextInt(40) + "), " + fib + "(" + r.nextInt(15) + "))");
        local(5);
    }

    private void tailCalls() {
        String f = fresh("tc");
        int n = 1000 + r.nextInt(4000);
        emit("local function " + f + "(n, acc) if n <= 0 then return acc end return " + f + "(n - 1, (acc + n) % "
                + modulus() + ") end");
        emit("print(" + tag() + ", " + f + "(" + n + ", 0), " + f + "(" + r.nextInt(10) + ", " + r.nextInt(9) + "))");
        String a = fresh("ping");
        String b = fresh("pong");
        emit("local " + a + ", " + b);
        emit("function " + a + "(n, ...) if n == 0 then return \"ping\", select('#', ...), ... end return " + b
                + "(n - 1, ...) end");
        emit("function " + b + "(n, ...) if n == 0 then return \"pong\", ... end return " + a + "(n - 1, ...) end");
        emit("show(" + tag() + ", " + a + "(" + (1000 + r.nextInt(2000)) + moreArgs() + "))");
        emit("show(" + tag() + ", " + b + "(" + r.nextInt(5) + "))");
        String o = fresh("counter");
        emit("local " + o + " = {}");
        emit("function " + o + ":loop(n, s) if n == 0 then return s end return self:loop(n - 1, s + 1) end");
        emit("print(" + tag() + ", " + o + ":loop(" + (100 + r.nextInt(2000)) + ", 0))");
        emit("local function " + f + "t(x) return (" + a + "(x, 1, 2)) end");
        emit("show(" + tag() + ", " + f + "t(" + r.nextInt(4) + "))");
        local(5);
        cost += 20_000;
    }

    private void errors() {
        String f = fresh("err");
        Frame outer = enterInlineFunction();
        String[] values = {
            "\"boom\"",
            "\"bad \" .. " + reduce(num(1), true),
            "{code = " + r.nextInt(99) + "}",
            "nil",
            Integer.toString(r.nextInt(99)),
            "\"lvl0\", 0",
            "\"lvl2\", 2",
            "setmetatable({code = 3}, {})"
        };
        emit("local function " + f + "(x) if x > " + r.nextInt(5) + " then error(" + values[r.nextInt(values.length)]
                + ") end return x, \"fine\" end");
        frame = outer;
        local(1);
        int n = 2 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            String ok = fresh("ok");
            switch (r.nextInt(6)) {
                case 0, 1 -> {
                    emit("local " + ok + ", " + ok + "e = pcall(" + f + ", " + r.nextInt(8) + ")");
                    emit("print(" + tag() + ", " + ok + ", errtext(" + ok + "e))");
                    local(2);
                }
                case 2 -> {
                    // the argument never exceeds the threshold: the success results are shown
                    emit("show(" + tag() + ", pcall(" + f + ", " + intLit(-r.nextInt(5)) + "))");
                    emit("print(" + tag() + ", select('#', pcall(" + f + ", 0)))");
                }
                case 3 -> {
                    String v = values[r.nextInt(values.length)];
                    emit("local " + ok + ", " + ok + "e = pcall(function() local ok2, e2 = pcall(error, " + v + ")"
                            + " error(e2, 0) end)");
                    emit("print(" + tag() + ", " + ok + ", errtext(" + ok + "e))");
                    local(2);
                }
                case 4 -> {
                    String bad = new String[] {
                                "nil + 1", "({}) .. \"x\"", "#nil", "(nil)()", "(nil).x", "1 < \"x\"", "({}) < ({})"
                            }
                            [r.nextInt(7)];
                    emit("local " + ok + ", " + ok + "e = pcall(function() local z = " + bad + " return z end)");
                    emit("print(" + tag() + ", " + ok + ", type(" + ok + "e))");
                    local(2);
                }
                default -> {
                    emit("local " + ok + " = {pcall(function(...) return select('#', ...), ... end" + moreArgs()
                            + ")}");
                    emit("print(" + tag() + ", " + ok + "[1], " + ok + "[2])");
                    local(1);
                }
            }
        }
    }

    private void strings() {
        String s = fresh("str");
        int n = 2 + r.nextInt(6);
        StringBuilder chain = new StringBuilder(str(1).text());
        for (int i = 0; i < n; i++) {
            chain.append(" .. ").append(r.nextInt(3) == 0 ? reduce(num(1), true) : str(1).text());
        }
        emit("local " + s + " = (" + chain + "):sub(1, 60)");
        local(1);
        block.strs.add(s);
        emit("print(" + tag() + ", " + s + ", #" + s + ", (" + s + "):rep(" + r.nextInt(3) + ", \"-\"), " + s + ":sub("
                + intLit(r.nextInt(7) - 3) + ", " + intLit(r.nextInt(9) - 3) + "))");
        emit("print(" + tag() + ", (\"x\"):rep(" + r.nextInt(5) + "), " + s + ":byte(1), (\"abc\"):byte("
                + intLit(r.nextInt(5) - 2) + "), string.format(\"%d\", " + integral(num(2)) + "), " + s + ":upper())");
        emit("print(" + tag() + ", " + s + " == " + str(1).text() + ", " + s + " < " + str(1).text() + ", " + s
                + ":len() + 0, select('#', (\"abc\"):byte(1, -1)))");
        emit("print(" + tag() + ", string.format(\"%s=%d;%5d;%-4d|%03d\", " + s + ", " + integral(num(1)) + ", "
                + r.nextInt(99) + ", " + r.nextInt(99) + ", " + r.nextInt(99) + "))");
        String parts = fresh("parts");
        emit("local " + parts + " = {}");
        emit("for i = 1, " + r.nextInt(6) + " do " + parts + "[i] = (" + s + "):sub(i, i) .. i end");
        emit("print(" + tag() + ", table.concat(" + parts + ", \"+\"), #" + parts + ")");
        local(1);
    }

    /** A function with very many locals live at once: register allocation. */
    private void manyLocals() {
        String f = fresh("many");
        int n = Math.min(30 + r.nextInt(r.nextInt(4) == 0 ? 150 : 60), 185 - activeLocals());
        openFunction("local function " + f + "(seed)", false);
        local(1);
        emit("local l1 = seed % 97");
        for (int i = 2; i <= n; i++) {
            int a = 1 + r.nextInt(i - 1);
            int b = 1 + r.nextInt(i - 1);
            String op = new String[] {"+", "-", "*"}[r.nextInt(3)];
            emit("local l" + i + " = (l" + a + " " + op + " l" + b + " + " + i + ") % 1009");
        }
        emit("local total = 0");
        for (int i = 1; i <= n; i += 1 + r.nextInt(3)) {
            emit("total = (total + l" + i + " * " + (1 + r.nextInt(9)) + ") % 10007");
        }
        String c = fresh("cl");
        emit("local " + c + " = function() return l1 + l" + n + " + l" + (1 + r.nextInt(n)) + " end");
        emit("return total, " + c + "(), l" + (1 + r.nextInt(n)));
        closeFunction();
        emit("show(" + tag() + ", " + f + "(" + r.nextInt(1000) + "))");
        block.fns.add(new Fn(f, 1, 4L * n));
    }

    private void sortedPairs() {
        String t = fresh("map");
        int n = 1 + r.nextInt(7);
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ")
                    .append("k")
                    .append(r.nextInt(20))
                    .append(" = ")
                    .append(reduce(num(1), true));
        }
        emit("local " + t + " = " + b + "}");
        emit("local " + t + "k = {}");
        emit("for k, v in pairs(" + t + ") do " + t + "k[#" + t + "k + 1] = k .. \"=\" .. v end");
        emit("table.sort(" + t + "k)");
        emit("print(" + tag() + ", table.concat(" + t + "k, \" \"))");
        emit("local " + t + "n = 0");
        emit("for k, v in pairs({10, 20, 30, x = 4}) do " + t + "n = " + t + "n + v end");
        emit("print(" + tag() + ", " + t + "n, next({}))");
        local(3);
    }

    /** Thousands of statements in one function: huge methods, many constants, long jumps. */
    private void bigFunction() {
        String f = fresh("big");
        int n = 1500 + r.nextInt(4500);
        emit("local function " + f + "(a)");
        indent++;
        emit("local b, c, d, t = 1, 2, 3, {}");
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(8)) {
                case 0, 1 -> emit("a = (a * " + (2 + r.nextInt(7)) + " + " + r.nextInt(100_000) + ") % 10007");
                case 2 -> emit("b = (b + a + " + i + ") % 1009");
                case 3 -> emit("t[" + (1 + r.nextInt(50)) + "] = (a + c) % 997");
                case 4 ->
                    emit("if a > " + r.nextInt(10007) + " then c = (c + b) % 101 else d = (d + " + i + ") % 103 end");
                case 5 -> emit("c = (c + #\"s" + i + "\") % 89");
                case 6 -> emit("d = (d * 3 + (t[" + (1 + r.nextInt(50)) + "] or " + i + ")) % 211");
                default -> emit("if b % 2 == 0 then a = (a + " + i + ") % 10007 end");
            }
        }
        emit("local s = 0");
        emit("for i = 1, 50 do s = (s + (t[i] or i)) % 10007 end");
        emit("return a, b, c, d, s");
        indent--;
        emit("end");
        emit("show(\"BIG\", " + f + "(" + r.nextInt(100) + "))");
        local(1);
        cost += 10L * n;
    }

    private void uncaughtError() {
        String[] endings = {
            "error(\"final \" .. " + reduce(num(1), true) + ", 0)",
            "error(\"positioned\")",
            "error({code = 1})",
            "error(" + r.nextInt(100) + ")",
            "error()"
        };
        emit(endings[r.nextInt(endings.length)]);
    }
}
