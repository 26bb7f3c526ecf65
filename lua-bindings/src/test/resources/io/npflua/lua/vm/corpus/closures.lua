-- VM corpus: closures and upvalues. Each "-- case: NAME" line starts a chunk of its own.
-- case: clo_counter
local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter()
print(c1(), c1(), c1(), c2(), c1(), c2())
-- case: clo_shared_upvalue
local function pair()
  local v = 0
  local function get() return v end
  local function set(x) v = x end
  return get, set
end
local get, set = pair()
print(get())
set(42)
print(get())
set(get() + 1)
print(get())
-- case: clo_numeric_for_fresh
local fs = {}
for i = 1, 5 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3](), fs[4](), fs[5]())
-- case: clo_numeric_for_mutate_copy
local fs = {}
for i = 1, 3 do
  fs[#fs + 1] = function() i = i + 10; return i end
end
print(fs[1](), fs[1](), fs[2](), fs[3]())
-- case: clo_generic_for_fresh
local fs = {}
for k, v in ipairs({'a', 'b', 'c'}) do
  fs[k] = function() return k .. v end
end
print(fs[1](), fs[2](), fs[3]())
-- case: clo_pairs_fresh
local fs = {}
local keys = {}
for k in pairs({x = 1, y = 2, z = 3}) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do fs[#fs + 1] = function() return k end end
print(fs[1](), fs[2](), fs[3]())
-- case: clo_while_fresh
local fs = {}
local i = 1
while i <= 4 do
  local j = i * i
  fs[i] = function() return j end
  i = i + 1
end
print(fs[1](), fs[2](), fs[3](), fs[4]())
-- case: clo_while_shared_outer
local fs = {}
local i = 1
while i <= 3 do
  fs[i] = function() return i end
  i = i + 1
end
print(fs[1](), fs[2](), fs[3]())
-- case: clo_repeat_fresh
local fs = {}
local n = 0
repeat
  n = n + 1
  local m = n * 10
  fs[n] = function() m = m + 1; return m end
until m >= 30
print(fs[1](), fs[1](), fs[2](), fs[3]())
-- case: clo_repeat_until_sees_local
local n = 0
local last
repeat
  local k = n * 2
  last = function() return k end
  n = n + 1
until k >= 6
print(n, last())
-- case: clo_break_closes_upvalue
local fs = {}
for i = 1, 10 do
  local x = i
  fs[#fs + 1] = function() return x end
  if i == 3 then break end
end
print(#fs, fs[1](), fs[2](), fs[3]())
-- case: clo_nested_three_levels
local function a(x)
  return function(y)
    return function(z)
      return x * 100 + y * 10 + z
    end
  end
end
print(a(1)(2)(3), a(4)(5)(6))
-- case: clo_nested_five_levels_mutation
local function level1()
  local v = 1
  return function()
    v = v * 2
    return function()
      v = v + 3
      return function()
        v = v * 5
        return function() return v end
      end
    end
  end
end
local l2 = level1()
local l3 = l2()
local l4 = l3()
local l5 = l4()
print(l5())
l3()
print(l5())
-- case: clo_upvalue_of_upvalue_shared
local function outer()
  local x = 0
  local function mid()
    local function inner() x = x + 1; return x end
    return inner
  end
  return mid(), mid(), function() return x end
end
local i1, i2, peek = outer()
i1(); i2(); i1()
print(peek())
-- case: clo_loop_closures_share_outer_local
local acc = 0
local adders = {}
for i = 1, 4 do adders[i] = function() acc = acc + i end end
for i = 1, 4 do adders[i]() end
adders[4]()
print(acc)
-- case: clo_parameter_capture
local function mk(a, b)
  return function() a = a + b; return a end
end
local f = mk(1, 2)
print(f(), f(), mk(10, 1)())
-- case: clo_vararg_capture_via_table
local function mk(...)
  local t = {...}
  return function() return #t, t[1], t[#t] end
end
print(mk(5, 6, 7)())
-- case: clo_recursive_local_function
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(20))
-- case: clo_recursive_via_upvalue_assignment
local f
f = function(n) if n == 0 then return 'done' end return f(n - 1) end
print(f(50))
local g = f
f = function() return 'replaced' end
print(g(3))
-- case: clo_closure_identity
local function mk() return function() end end
local a, b = mk(), mk()
print(a == a, a ~= b or a == b, rawequal(a, a))
-- case: clo_closure_in_table_methods
local obj = {n = 0}
function obj.inc() obj.n = obj.n + 1 end
function obj:add(k) self.n = self.n + k end
obj.inc(); obj:add(5); obj.inc()
print(obj.n)
-- case: clo_upvalue_after_scope_exit
local f
do
  local secret = 'hidden'
  f = function() return secret end
  secret = 'changed'
end
print(f())
-- case: clo_many_upvalues
local u1,u2,u3,u4,u5,u6,u7,u8,u9,u10 = 1,2,3,4,5,6,7,8,9,10
local u11,u12,u13,u14,u15,u16,u17,u18,u19,u20 = 11,12,13,14,15,16,17,18,19,20
local function sum()
  return u1+u2+u3+u4+u5+u6+u7+u8+u9+u10+u11+u12+u13+u14+u15+u16+u17+u18+u19+u20
end
print(sum())
u20 = 0
print(sum())
-- case: clo_generator_pattern
local function range(n)
  local i = 0
  return function() i = i + 1; if i <= n then return i end end
end
local s = 0
for v in range(10) do s = s + v end
print(s)
-- case: clo_for_loop_var_modified_inside
local out = {}
for i = 1, 3 do
  local f = function() return i end
  i = i * 10
  out[#out + 1] = f()
end
print(table.concat(out, ' '))
-- case: clo_nested_loops_capture
local fs = {}
for i = 1, 3 do
  for j = 1, 2 do
    fs[#fs + 1] = function() return i * 10 + j end
  end
end
local r = {}
for k = 1, #fs do r[k] = fs[k]() end
print(table.concat(r, ','))
-- case: clo_goto_loop_fresh_local
local fs = {}
local i = 1
::top::
local v = i
fs[i] = function() return v end
i = i + 1
if i <= 3 then goto top end
print(fs[1](), fs[2](), fs[3]())
-- case: clo_memoize
local calls = 0
local function memo(f)
  local cache = {}
  return function(x)
    local v = cache[x]
    if v == nil then v = f(x); cache[x] = v end
    return v
  end
end
local sq = memo(function(x) calls = calls + 1; return x * x end)
print(sq(3), sq(3), sq(4), sq(3), calls)
-- case: clo_compose
local function compose(f, g) return function(...) return f(g(...)) end end
local inc = function(x) return x + 1 end
local dbl = function(x) return x * 2 end
print(compose(inc, dbl)(5), compose(dbl, inc)(5), compose(compose(inc, inc), dbl)(1))
-- case: clo_currying
local function curry3(f) return function(a) return function(b) return function(c) return f(a, b, c) end end end end
print(curry3(function(a, b, c) return a - b - c end)(10)(3)(2))
