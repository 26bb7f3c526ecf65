-- VM corpus: tail calls (proper: no stack growth). Each "-- case: NAME" line starts a chunk of its own.
-- case: tail_count_down_100000
local function down(n) if n == 0 then return 'bottom' end return down(n - 1) end
print(down(100000))
-- case: tail_accumulator_100000
local function sum(n, acc) if n == 0 then return acc end return sum(n - 1, acc + n) end
print(sum(100000, 0))
-- case: tail_mutual_100000
local isEven, isOdd
function isEven(n) if n == 0 then return true end return isOdd(n - 1) end
function isOdd(n) if n == 0 then return false end return isEven(n - 1) end
print(isEven(100000), isOdd(100001), isEven(77777))
-- case: tail_three_way_cycle
local a, b, c
function a(n) if n <= 0 then return 'a' end return b(n - 1) end
function b(n) if n <= 0 then return 'b' end return c(n - 1) end
function c(n) if n <= 0 then return 'c' end return a(n - 1) end
print(a(30000), a(30001), a(30002))
-- case: tail_returns_multiple
local function f(n, ...) if n == 0 then return ... end return f(n - 1, ...) end
print(f(1000, 'x', 'y', 'z'))
-- case: tail_varargs_growth
local function f(n, ...) if n == 0 then return select('#', ...) end return f(n - 1, n, ...) end
print(f(150))
-- case: tail_call_to_global
function g_tail(n) if n == 0 then return 'g' end return g_tail(n - 1) end
print(g_tail(50000))
-- case: tail_call_method
local obj = {}
function obj:loop(n) if n == 0 then return self.tag end return self:loop(n - 1) end
obj.tag = 'method'
print(obj:loop(50000))
-- case: tail_call_through_table_field
local t = {}
t.f = function(n) if n == 0 then return 'field' end return t.f(n - 1) end
print(t.f(60000))
-- case: tail_call_builtin
local function f(s) return string.upper(s) end
print(f('tail'))
-- case: tail_call_call_metamethod
local c = setmetatable({}, {__call = function(self, n) if n == 0 then return 'called' end return self(n - 1) end})
local function go(n) return c(n) end
print(go(100))
-- case: tail_not_tail_parens
local function f() return 1, 2, 3 end
local function g() return (f()) end
print(g())
-- case: tail_not_tail_with_op
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(100))
-- case: tail_state_machine
local states = {}
local steps = 0
function states.a(n) steps = steps + 1; if n == 0 then return 'end in a' end return states.b(n - 1) end
function states.b(n) steps = steps + 1; if n % 7 == 0 then return states.a(n - 1) end return states.c(n - 1) end
function states.c(n) steps = steps + 1; if n == 0 then return 'end in c' end return states.a(n - 1) end
print(states.a(20000), steps)
-- case: tail_gcd
local function gcd(a, b) if b == 0 then return a end return gcd(b, a % b) end
print(gcd(1071, 462), gcd(17, 5), gcd(2^40, 2^20))
-- case: tail_closure_upvalue_loop
local count = 0
local function loop(n) count = count + 1; if n > 0 then return loop(n - 1) end end
loop(100000)
print(count)
-- case: tail_call_in_pcall
local function down(n) if n == 0 then return 'ok' end return down(n - 1) end
print(pcall(down, 100000))
-- case: tail_error_after_deep_tail
local function down(n) if n == 0 then error({where = 'at bottom'}) end return down(n - 1) end
local ok, e = pcall(down, 50000)
print(ok, e.where)
-- case: tail_return_of_vararg_function
local function id(...) return ... end
local function f(n) if n == 0 then return id(1, 2) end return f(n - 1) end
print(f(10000))
-- case: tail_anonymous_recursion_via_arg
local function fix(f, n) return f(f, n) end
print(fix(function(self, n) if n == 0 then return 'fixed' end return self(self, n - 1) end, 100000))
