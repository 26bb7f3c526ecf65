-- VM corpus: metatables and every metamethod. Each "-- case: NAME" line starts a chunk of its own.
-- case: mt_index_table
local base = {a = 1, b = 2}
local t = setmetatable({b = 20}, {__index = base})
print(t.a, t.b, t.c, rawget(t, 'a'))
-- case: mt_index_chain_three
local a = {x = 'a'}
local b = setmetatable({y = 'b'}, {__index = a})
local c = setmetatable({z = 'c'}, {__index = b})
print(c.x, c.y, c.z, c.w)
-- case: mt_index_function
local t = setmetatable({}, {__index = function(t, k) return k .. '!' end})
print(t.foo, t[1], rawget(t, 'foo'))
-- case: mt_index_function_chain
local calls = 0
local inner = setmetatable({}, {__index = function(_, k) calls = calls + 1; return k * 2 end})
local outer = setmetatable({}, {__index = inner})
print(outer[5], outer[7], calls)
-- case: mt_index_on_existing_key_not_called
local hits = 0
local t = setmetatable({k = 1}, {__index = function() hits = hits + 1 end})
local _ = t.k
local _ = t.missing
print(hits)
-- case: mt_newindex_function
local log = {}
local t = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k .. '=' .. v; rawset(t, k, v * 2) end})
t.a = 1
t.a = 5
t.b = 3
print(table.concat(log, ' '), t.a, t.b)
-- case: mt_newindex_table
local store = {}
local t = setmetatable({}, {__newindex = store})
t.x = 10
print(rawget(t, 'x'), store.x)
-- case: mt_newindex_existing_key_bypasses
local n = 0
local t = setmetatable({k = 1}, {__newindex = function() n = n + 1 end})
t.k = 2
t.j = 3
print(t.k, t.j, n)
-- case: mt_proxy_readonly
local function readonly(t)
  return setmetatable({}, {__index = t, __newindex = function() error('read-only', 2) end})
end
local r = readonly({a = 1})
local ok, e = pcall(function() r.a = 2 end)
print(r.a, ok, e:match('read%-only') ~= nil)
-- case: mt_call_basic
local t = setmetatable({}, {__call = function(self, a, b) return a + b end})
print(t(2, 3))
-- case: mt_call_receives_self
local t = setmetatable({name = 'obj'}, {__call = function(self, x) return self.name, x end})
print(t('arg'))
-- case: mt_call_nested
local mk = setmetatable({}, {__call = function(_, n)
  return setmetatable({n = n}, {__call = function(self, m) return self.n * m end})
end})
print(mk(6)(7), mk(2)(mk(3)(4)))
-- case: mt_call_multiple_results
local t = setmetatable({}, {__call = function(_, ...) return select('#', ...), ... end})
print(t(1, 2, 3))
-- case: mt_call_in_pcall
local t = setmetatable({}, {__call = function(_, x) return x * 10 end})
print(pcall(t, 4))
-- case: mt_arith_all
local mt = {}
local function V(x) return setmetatable({x = x}, mt) end
mt.__add = function(a, b) return V(a.x + b.x) end
mt.__sub = function(a, b) return V(a.x - b.x) end
mt.__mul = function(a, b) return V(a.x * b.x) end
mt.__div = function(a, b) return V(a.x / b.x) end
mt.__mod = function(a, b) return V(a.x % b.x) end
mt.__pow = function(a, b) return V(a.x ^ b.x) end
mt.__unm = function(a) return V(-a.x) end
local a, b = V(12), V(5)
print((a + b).x, (a - b).x, (a * b).x, (a / V(4)).x, (a % b).x, (V(2) ^ V(10)).x, (-a).x)
-- case: mt_arith_mixed_operands
local mt = {__add = function(a, b)
  local x = type(a) == 'table' and a.v or a
  local y = type(b) == 'table' and b.v or b
  return x + y
end}
local o = setmetatable({v = 100}, mt)
print(o + 1, 2 + o, o + o)
-- case: mt_arith_string_coercion_not_used
local mt = {__add = function() return 'meta' end}
local o = setmetatable({}, mt)
print('10' + 1, o + '10')
-- case: mt_concat
local mt = {__concat = function(a, b)
  local x = type(a) == 'table' and a.s or a
  local y = type(b) == 'table' and b.s or b
  return x .. '+' .. y
end}
local o = setmetatable({s = 'O'}, mt)
print(o .. 'x', 'x' .. o, o .. o, 1 .. o)
-- case: mt_concat_chain_right_assoc
local mt = {}
mt.__concat = function(a, b)
  local x = type(a) == 'table' and a.s or a
  local y = type(b) == 'table' and b.s or b
  return setmetatable({s = '(' .. x .. y .. ')'}, mt)
end
local o = setmetatable({s = 'o'}, mt)
print(('a' .. o .. 'b' .. 'c').s)
-- case: mt_len
local t = setmetatable({1, 2, 3}, {__len = function() return 42 end})
print(#t, rawlen(t))
-- case: mt_eq
local mt = {__eq = function(a, b) return a.id == b.id end}
local a = setmetatable({id = 1}, mt)
local b = setmetatable({id = 1}, mt)
local c = setmetatable({id = 2}, mt)
print(a == b, a == c, a ~= b, rawequal(a, b), a == a)
-- case: mt_eq_not_called_for_different_types
local called = false
local a = setmetatable({}, {__eq = function() called = true; return true end})
print(a == 1, a == 'x', called)
-- case: mt_lt_le
local mt = {}
mt.__lt = function(a, b) return a.v < b.v end
mt.__le = function(a, b) return a.v <= b.v end
local a, b = setmetatable({v = 1}, mt), setmetatable({v = 2}, mt)
print(a < b, a > b, a <= b, a >= b, b <= b, b < b)
-- case: mt_le_fallback_to_lt
local mt = {__lt = function(a, b) return a.v < b.v end}
local a, b = setmetatable({v = 1}, mt), setmetatable({v = 2}, mt)
print(a <= b, b <= a)
-- case: mt_sort_with_lt
local mt = {__lt = function(a, b) return a.v < b.v end}
local t = {}
for _, v in ipairs({5, 3, 9, 1}) do t[#t + 1] = setmetatable({v = v}, mt) end
table.sort(t)
print(t[1].v, t[2].v, t[3].v, t[4].v)
-- case: mt_unm
local t = setmetatable({}, {__unm = function() return 'negated' end})
print(-t)
-- case: mt_tostring
local t = setmetatable({}, {__tostring = function() return 'custom!' end})
print(t, tostring(t))
-- case: mt_tostring_in_concat_not_used
local t = setmetatable({}, {__tostring = function() return 'T' end})
print(pcall(function() return 'x' .. t end) == false)
-- case: mt_metatable_protection
local t = setmetatable({}, {__metatable = 'locked'})
print(getmetatable(t))
print(pcall(setmetatable, t, {}))
-- case: mt_getmetatable_plain
local mt = {}
local t = setmetatable({}, mt)
print(getmetatable(t) == mt, getmetatable({}), setmetatable(t, nil) == t, getmetatable(t))
-- case: mt_string_metatable_index
print(type(getmetatable('').__index), ('abc'):len(), ('%d'):format(5), ('x'):upper())
-- case: mt_rawget_rawset_bypass
local t = setmetatable({}, {__index = function() return 'meta' end, __newindex = function() error('no') end})
rawset(t, 'k', 'v')
print(t.k, rawget(t, 'other'), t.other)
-- case: mt_index_on_metatable_itself
local mt = {}
mt.__index = mt
mt.hello = function() return 'hi' end
local o = setmetatable({}, mt)
print(o.hello(), o.__index == mt)
-- case: mt_inheritance_classes
local Animal = {}
Animal.__index = Animal
function Animal.new(name) return setmetatable({name = name}, Animal) end
function Animal:speak() return self.name .. ' makes a sound' end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) return setmetatable(Animal.new(name), Dog) end
function Dog:speak() return self.name .. ' barks' end
function Dog:base() return Animal.speak(self) end
local d = Dog.new('rex')
print(d:speak(), d:base(), getmetatable(d) == Dog)
-- case: mt_default_values
local defaults = setmetatable({}, {__index = function() return 0 end})
defaults.a = defaults.a + 1
defaults.a = defaults.a + 1
defaults.b = defaults.b + 5
print(defaults.a, defaults.b, defaults.c)
-- case: mt_counter_newindex_tracking
local count = 0
local t = {}
local proxy = setmetatable({}, {
  __index = t,
  __newindex = function(_, k, v) if t[k] == nil then count = count + 1 end; t[k] = v end,
})
proxy.a = 1; proxy.b = 2; proxy.a = 3
print(count, proxy.a, proxy.b)
-- case: mt_error_in_index
local function strip(e) return (tostring(e):gsub('^[%w_]+:%d+:? ', ''):gsub('%s+$', '')) end
local t = setmetatable({}, {__index = function(_, k) error('no field ' .. k, 0) end})
local ok, e = pcall(function() return t.zzz end)
print(ok, strip(e))
-- case: mt_error_in_arith
local t = setmetatable({}, {__add = function() error({code = 7}) end})
local ok, e = pcall(function() return t + 1 end)
print(ok, type(e), e.code)
-- case: mt_error_in_tostring
local function strip(e) return (tostring(e):gsub('^[%w_]+:%d+:? ', ''):gsub('%s+$', '')) end
local t = setmetatable({}, {__tostring = function() error('bad tostring', 0) end})
local ok, e = pcall(tostring, t)
print(ok, strip(e))
-- case: mt_error_in_call
local function strip(e) return (tostring(e):gsub('^[%w_]+:%d+:? ', ''):gsub('%s+$', '')) end
local t = setmetatable({}, {__call = function() error('call failed', 0) end})
local ok, e = pcall(t)
print(ok, strip(e))
-- case: mt_index_recursion_limit_shallow
local depth = 0
local t = setmetatable({}, {__index = function(self, k)
  depth = depth + 1
  if k > 1 then return self[k - 1] + 1 end
  return 1
end})
print(t[20], depth)
-- case: mt_newindex_chain_to_table_with_meta
local log = {}
local inner = setmetatable({}, {__newindex = function(_, k, v) log[#log + 1] = k end})
local outer = setmetatable({}, {__newindex = inner})
outer.p = 1
outer.q = 2
print(table.concat(log, ','), rawget(outer, 'p'), rawget(inner, 'p'))
-- case: mt_call_chained_through_table_call
local f = setmetatable({}, {__call = function(_, g) return g(10) end})
print(f(function(x) return x + 1 end))
-- case: mt_method_via_index_function
local obj = setmetatable({}, {__index = function(_, name)
  return function(self, x) return name .. ':' .. x end
end})
print(obj:alpha(1), obj:beta(2))
-- case: mt_lt_mixed_error
local t = setmetatable({}, {__lt = function() return true end})
print(t < t, pcall(function() return t < 1 end) == true or 'err')
-- case: mt_len_with_index
local t = setmetatable({}, {__len = function(self) return rawlen(self) + 100 end})
t[1] = 'a'
print(#t)
-- case: mt_eq_same_object_no_call
local n = 0
local mt = {__eq = function() n = n + 1; return false end}
local a = setmetatable({}, mt)
print(a == a, n)
-- case: mt_pairs_plain_next
local t = setmetatable({}, {__index = {hidden = 1}})
t.visible = 2
local keys = {}
for k in pairs(t) do keys[#keys + 1] = k end
print(#keys, keys[1])
-- case: mt_shared_metatable_many_objects
local mt = {__index = function(t, k) return t.base + k end}
local objs = {}
for i = 1, 5 do objs[i] = setmetatable({base = i * 100}, mt) end
print(objs[1][1], objs[3][5], objs[5][50])
-- case: mt_div_mod_metamethods_order
local log = {}
local mt = {__div = function(a, b) log[#log + 1] = 'div'; return 1 end,
            __mod = function(a, b) log[#log + 1] = 'mod'; return 2 end}
local o = setmetatable({}, mt)
local r = o / 1 + o % 1
print(r, table.concat(log, ','))
