-- VM corpus: error, pcall, xpcall, error values and levels. Each "-- case: NAME" line starts a chunk of its own.
-- case: err_string_with_position
print(pcall(error, 'plain'))
print(pcall(function() error('boom') end))
-- case: err_level_zero
print(pcall(function() error('no position', 0) end))
-- case: err_level_two
local function check(x) if not x then error('check failed', 2) end end
local function caller()
  check(false)
end
print(pcall(caller))
-- case: err_level_three
local function inner() error('deep', 3) end
local function mid() inner() end
local function top()
  mid()
end
print(pcall(top))
-- case: err_table_value
local ok, e = pcall(function() error({code = 42, msg = 'tbl'}) end)
print(ok, type(e), e.code, e.msg)
-- case: err_table_identity
local obj = {}
local ok, e = pcall(error, obj)
print(ok, e == obj)
-- case: err_nil_value
local ok, e = pcall(error, nil)
print(ok, e)
local ok2, e2 = pcall(error)
print(ok2, e2)
-- case: err_number_value
local ok, e = pcall(error, 42)
print(ok, e, type(e))
-- case: err_boolean_value
local ok, e = pcall(error, false)
print(ok, e, type(e))
local ok2, e2 = pcall(error, true)
print(ok2, e2)
-- case: err_function_value
local f = function() end
local ok, e = pcall(error, f)
print(ok, e == f)
-- case: err_pcall_success_values
print(pcall(function() return 1, nil, 3 end))
-- case: err_pcall_not_a_function
print((pcall(42)))
print((pcall(nil)))
-- case: err_nested_pcall
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local ok1, ok2, e = pcall(function()
  return pcall(function() error('inner') end)
end)
print(ok1, ok2, norm(e))
-- case: err_nested_rethrow
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local ok, e = pcall(function()
  local ok2, e2 = pcall(error, {m = 'first'})
  error(e2.m .. '+second')
end)
print(ok, norm(e))
-- case: err_xpcall_handler_string
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
print(xpcall(function() error('oops') end, function(m) return 'handled: ' .. norm(m) end))
-- case: err_xpcall_handler_gets_position
print(xpcall(function() error('oops') end, function(m) return '[' .. m .. ']' end))
-- case: err_xpcall_handler_table
print(xpcall(function() error({v = 5}) end, function(e) return e.v * 2 end))
-- case: err_xpcall_success
print(xpcall(function(...) return 'fine' end, function() return 'unused' end))
-- case: err_xpcall_args
print(xpcall(function(a, b) return a + b end, function(m) return m end, 3, 4))
-- case: err_xpcall_handler_multiple_results
print(select('#', xpcall(function() error('x', 0) end, function(m) return m, 'extra' end)))
-- case: err_after_error_state_is_clean
local t = {}
for i = 1, 3 do
  local ok = pcall(function() t[#t + 1] = i; if i == 2 then error('two') end end)
  t[#t + 1] = ok and 'ok' or 'fail'
end
print(table.concat(t, ' '))
-- case: err_assert_message
print(pcall(assert, false, 'assert msg'))
print(pcall(assert, nil, 'other'))
-- case: err_assert_table_message
local m = {}
local ok, e = pcall(assert, false, m)
print(ok, e == m)
-- case: err_error_with_position_inside_loop
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local msgs = {}
for i = 1, 2 do
  local ok, e = pcall(function()
    error('iter ' .. i)
  end)
  msgs[#msgs + 1] = norm(e)
end
print(msgs[1], msgs[2])
-- case: err_in_metamethod_index_position
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local t = setmetatable({}, {__index = function(_, k)
  error('missing ' .. k)
end})
local ok, e = pcall(function() return t.abc end)
print(ok, norm(e))
-- case: err_in_newindex_metamethod
local t = setmetatable({}, {__newindex = function(_, k) error({key = k}) end})
local ok, e = pcall(function() t.zz = 1 end)
print(ok, e.key)
-- case: err_in_eq_metamethod
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local mt = {__eq = function() error('eq failed') end}
local a, b = setmetatable({}, mt), setmetatable({}, mt)
local ok, e = pcall(function() return a == b end)
print(ok, norm(e))
-- case: err_in_lt_metamethod
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local mt = {__lt = function() error('lt failed') end}
local a, b = setmetatable({}, mt), setmetatable({}, mt)
local ok, e = pcall(function() return a < b end)
print(ok, norm(e))
-- case: err_in_concat_metamethod
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local o = setmetatable({}, {__concat = function() error('cc') end})
local ok, e = pcall(function() return o .. 'x' end)
print(ok, norm(e))
-- case: err_in_len_metamethod
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local o = setmetatable({}, {__len = function() error('len!') end})
local ok, e = pcall(function() return #o end)
print(ok, norm(e))
-- case: err_in_sort_comparator
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local ok, e = pcall(table.sort, {3, 1, 2}, function(a, b) error('cmp') end)
print(ok, norm(e))
-- case: err_in_gsub_callback
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local ok, e = pcall(string.gsub, 'abc', '%w', function(c) if c == 'b' then error('at b') end end)
print(ok, norm(e))
-- case: err_pcall_returns_false_first
local r = {pcall(error, 'e', 0)}
print(#r, r[1], r[2])
-- case: err_error_rethrow_table_preserved
local obj = {name = 'E'}
local ok, e = pcall(function()
  local ok2, e2 = pcall(error, obj)
  error(e2)
end)
print(ok, e == obj, e.name)
-- case: err_custom_error_class
local Err = {}
Err.__index = Err
Err.__tostring = function(e) return 'Err(' .. e.code .. ')' end
local function throw(code) error(setmetatable({code = code}, Err)) end
local ok, e = pcall(throw, 404)
print(ok, tostring(e), getmetatable(e) == Err)
-- case: err_deep_pcall_nesting
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local function nest(n)
  if n == 0 then error('bottom') end
  local ok, e = pcall(nest, n - 1)
  return 'L' .. n .. '(' .. norm(e) .. ')'
end
print(nest(5))
-- case: err_pcall_in_loop_many
local fails = 0
for i = 1, 1000 do
  if not pcall(function() if i % 10 == 0 then error('x') end end) then fails = fails + 1 end
end
print(fails)
-- case: err_error_concat_number_message
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local ok, e = pcall(function() error('code ' .. 12) end)
print(ok, norm(e))
-- case: err_tostring_of_nil_error
local ok, e = pcall(error)
print(ok, tostring(e))
-- case: err_xpcall_nested_handlers
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
print(xpcall(function()
  local ok, e = xpcall(function() error('in') end, function(m) return 'h1:' .. norm(m) end)
  error(e)
end, function(m) return 'h2:' .. norm(m) end))
-- case: err_uncaught_ends_case
print('before')
error('uncaught here')
print('after')
-- case: err_uncaught_table_value
print('before')
error({})
-- case: err_position_multiline_function
local function norm(e) return (tostring(e):gsub('^[%w_]+:(%d+):? ', '@%1 '):gsub('%s+$', '')) end
local function f()
  local a = 1
  local b = 2
  error('line five')
end
local ok, e = pcall(f)
print(ok, norm(e))
-- case: err_msg_call_nil_global
print(pcall(function() undefined_function_xyz() end))
-- case: err_msg_index_nil_local
print(pcall(function() local t = nil; return t.field end))
-- case: err_msg_arith_nil_field
print(pcall(function() local t = {}; return t.count + 1 end))
-- case: err_msg_compare_number_nil
print(pcall(function() local a, b = 1, nil; return a < b end))
-- case: err_msg_concat_table
print(pcall(function() local t = {}; return 'x' .. t end))
-- case: err_msg_call_number
print(pcall(function() local n = 5; n() end))
