-- VM corpus: calls, methods, recursion, argument adjustment. Each "-- case: NAME" line starts a chunk of its own.
-- case: call_missing_args_nil
local function f(a, b, c) return a, b, c end
print(f(1))
-- case: call_extra_args_dropped
local function f(a) return a end
print(f(1, 2, 3))
-- case: call_method_colon
local Account = {}
Account.__index = Account
function Account.new(b) return setmetatable({balance = b}, Account) end
function Account:deposit(v) self.balance = self.balance + v; return self end
function Account:get() return self.balance end
local a = Account.new(100)
print(a:deposit(50):deposit(25):get())
-- case: call_method_on_string
local s = 'hello'
print(s:upper(), ('x'):rep(3), s:sub(2, 3), #s:rep(2))
-- case: call_method_self_explicit
local o = {v = 3}
function o.m(self, k) return self.v * k end
print(o:m(2), o.m(o, 3), o.m({v = 10}, 4))
-- case: call_string_arg_sugar
local function f(s) return '<' .. s .. '>' end
print(f'abc', f"def", f[[ghi]])
-- case: call_table_arg_sugar
local function n(t) return #t end
print(n{1, 2, 3}, n{})
-- case: call_chained_sugar
local function f(s) return function(t) return s .. #t end end
print(f'size:'{1, 2})
-- case: call_function_returning_function
local function mk() return function(x) return x * 3 end end
print(mk()(7))
-- case: call_recursive_depth_150
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(150))
-- case: call_mutual_recursion
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
print(even(10), odd(7), even(99))
-- case: call_ackermann_small
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print(ack(2, 3), ack(1, 5))
-- case: call_global_function_def
function gf(x) return x + 1 end
print(gf(1), type(gf))
-- case: call_nested_table_function_def
local a = {b = {c = {}}}
function a.b.c.f(x) return x * 2 end
function a.b.c:g(x) return self == a.b.c, x end
print(a.b.c.f(4), a.b.c:g(5))
-- case: call_args_evaluated_left_to_right
local log = {}
local function v(x) log[#log + 1] = x; return x end
local function f(...) return select('#', ...) end
f(v(1), v(2), v(3))
print(table.concat(log, ','))
-- case: call_with_many_args
local function f(...) local s = 0; for i, v in ipairs({...}) do s = s + v * i end; return s end
print(f(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30))
-- case: call_higher_order_map_filter
local function map(t, f) local r = {}; for i, v in ipairs(t) do r[i] = f(v) end; return r end
local function keep(t, p) local r = {}; for _, v in ipairs(t) do if p(v) then r[#r + 1] = v end end; return r end
local r = keep(map({1, 2, 3, 4, 5, 6}, function(x) return x * x end), function(x) return x % 2 == 0 end)
print(table.concat(r, ' '))
-- case: call_table_sort_comparator
local t = {5, 2, 8, 1, 9, 3}
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, ' '))
-- case: call_sort_records
local people = {{n = 'c', a = 30}, {n = 'a', a = 25}, {n = 'b', a = 35}}
table.sort(people, function(x, y) return x.a < y.a end)
print(people[1].n, people[2].n, people[3].n)
-- case: call_gsub_with_function
print(('hello world'):gsub('%w+', function(w) return w:upper() end))
-- case: call_gsub_with_table
print(('$a and $b'):gsub('%$(%w+)', {a = 'X', b = 'Y'}))
-- case: call_pcall_function_value
print(pcall(function(a, b) return a + b end, 2, 3))
-- case: call_select_length_of_call
local function r() return 1, 2, 3 end
print(#{r()}, #{r(), r()}, #{(r())})
-- case: call_function_as_table_key
local f = function() end
local t = {[f] = 'fn'}
print(t[f])
-- case: call_closure_as_callback_counter
local total = 0
local function each(t, cb) for _, v in ipairs(t) do cb(v) end end
each({1, 2, 3, 4}, function(v) total = total + v end)
print(total)
-- case: call_type_of_functions
print(type(print), type(function() end), type(string.len))
-- case: call_return_in_middle_do_block
local function f(x)
  do return x * 2 end
end
print(f(4))
-- case: call_early_return
local function f(x)
  if x > 0 then return 'pos' elseif x < 0 then return 'neg' end
  return 'zero'
end
print(f(1), f(-1), f(0))
-- case: call_tostring_tonumber_roundtrip
print(tonumber('42') + 1, tostring(42) .. '!', tonumber('  10  '), tonumber('z', 36), tonumber('ff', 16))
-- case: call_assert_returns_args
print(assert(1, 'm'), select('#', assert(true, 2, 3)))
