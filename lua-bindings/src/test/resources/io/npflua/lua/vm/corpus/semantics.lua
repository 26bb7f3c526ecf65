-- VM corpus: semantics probes where Lua 5.2 and 5.4 differ and the project follows Lua 5.4 (golden output:
-- semantics.out, made by lua5.4). Written in Lua 5.2 syntax; 5.3+ syntax is only reached through load() and
-- such cases say so. Values are chosen so that 5.4's integer/float subtype does not show, except where a case
-- probes it on purpose. Each "-- case: NAME" line starts a chunk of its own.
-- case: sem_unsigned_byte_compare
print('\200' < 'a', 'a' < '\200', '\255' > '\1', '\128' > '\127', 'a\200' < 'ab')
-- case: sem_compare_embedded_zero
print('a\0b' < 'a\0c', 'a' < 'a\0', 'a\0' < 'a\1', '\0' < '')
-- case: sem_concat_float_formatting
print(1700000000.25 .. '', 0.1 .. '', 1/3 .. '', 123.456 .. '', 1e100 .. '', 2^63 .. '')
-- case: sem_tostring_float_formatting
print(tostring(1700000000.25), tostring(0.1), tostring(-1/3), tostring(1e-10), tostring(1234567.5))
-- case: sem_concat_float_in_table_concat
print(table.concat({0.5, 1700000000.25, 1/4}, ' '))
-- case: sem_string_format_s_float
print(string.format('%s|%s', 0.1, 1700000000.25))
-- case: sem_tonumber_0x_alone
print(tonumber('0x'), tonumber('0X'), tonumber('x10'), tonumber('0x.'), tonumber('0xg'))
-- case: sem_tonumber_negative_hex
print(tonumber('-0x10'), tonumber(' -0xff '), tonumber('-0x1'), tonumber('+0x10'))
-- case: sem_tonumber_edge_forms
print(tonumber('1e'), tonumber('1e+'), tonumber('.'), tonumber('-.5'), tonumber('0x10', 10), tonumber('10', 16))
-- case: sem_tonumber_base_edge
print(tonumber('7FFFFFFF', 16), tonumber('-ff', 16), tonumber(' 11 ', 2), tonumber('1.5', 10))
-- case: sem_pairs_metamethod
local t = setmetatable({}, {__pairs = function(self)
  local i = 0
  return function() i = i + 1; if i <= 3 then return i, i * 10 end end, self, nil
end})
local s = {}
for k, v in pairs(t) do s[#s + 1] = k .. '=' .. v end
print(table.concat(s, ' '))
-- case: sem_pairs_metamethod_extra_values
local t = setmetatable({}, {__pairs = function(self) return next, {a = 1}, nil end})
local n = 0
for k, v in pairs(t) do n = n + v end
print(n)
-- case: sem_unicode_escape_5_3
local f = load("return '\\u{48}\\u{49}', #'\\u{7FF}', #'\\u{FFFF}'")
if f then print(f()) else print('no \\u escapes') end
-- case: sem_negative_zero_tostring
local z = -0.0
print(tostring(z), z == 0, 1 / z < 0)
-- case: sem_negative_zero_format
print(string.format('%g %.1f', -0.0, -0.0))
-- case: sem_error_level_zero_no_position
print(pcall(error, 'bare', 0))
print(pcall(function() error('bare2', 0) end))
print(pcall(function() error({}, 0) end) == false)
-- case: sem_error_level_one_position
print(pcall(function() error('with position') end))
print(pcall(function() error('level2', 2) end))
-- case: sem_error_number_value_kept
local ok, e = pcall(error, 42)
print(ok, e, type(e))
local ok2, e2 = pcall(function() error(7.5) end)
print(ok2, e2, type(e2))
-- case: sem_xpcall_handler_table_error
print(xpcall(function() error({code = 1}) end, function(e) return type(e), e.code end))
-- case: sem_xpcall_handler_nil_error
print(xpcall(function() error(nil) end, function(e) return 'handler got ' .. tostring(e) end))
-- case: sem_xpcall_handler_boolean_error
print(xpcall(function() error(false) end, function(e) return type(e), e end))
-- case: sem_xpcall_handler_number_error
print(xpcall(function() error(12) end, function(e) return type(e), e end))
-- case: sem_xpcall_handler_returns_nothing
print(select('#', xpcall(function() error('x') end, function() end)))
-- case: sem_xpcall_extra_args
print(xpcall(function(a, b, c) return a .. b .. c end, print, 'x', 'y', 'z'))
-- case: sem_assert_non_string_message
local m = {tag = 'mine'}
local ok, e = pcall(assert, false, m)
print(ok, e == m, type(e))
-- case: sem_assert_default_message
print(pcall(assert, false))
print(pcall(assert, nil))
-- case: sem_ipairs_respects_index
local proxy = setmetatable({}, {__index = function(_, i) if i <= 3 then return i * 2 end end})
local s = 0
for _, v in ipairs(proxy) do s = s + v end
print(s)
-- case: sem_string_format_d_integral_float
print(string.format('%d %d %5.2d', 3.0, -2^31, 7))
local ok, e = pcall(string.format, '%d', 3.5)
print(ok, e:match('%(.*%)'))
-- case: sem_tostring_large_integral_floats
print(2^53, 2^63, -2^63, 1e15, 1e16, 123456789012)
-- case: sem_for_string_bounds
print(pcall(function() local n = 0; for i = '1', 2 do n = n + 1 end; return n end))
-- case: sem_string_arith_coercion_result
print('10' + 1, '0x10' * 1, '3' * '4', ' 5 ' - 1)
-- case: sem_math_floor_large
print(math.floor(2^60) == 2^60, math.floor(-2.5), math.ceil(2^53 + 0.5) == 2^53)
-- case: sem_table_unpack_too_many
print((pcall(table.unpack, {}, 1, 1e8)))
-- case: sem_string_rep_separator_zero
print(('ab'):rep(1, ','), ('ab'):rep(0, ','), ('ab'):rep(-1, ','))
-- case: sem_concat_negative_zero
print(-0.0 .. '', (-0.0 .. '') == tostring(-0.0))
-- case: sem_hex_float_literal_tostring
print(0x10, 0xA, 0x.8, 0x1p-1)
-- case: sem_msg_index_nil_global
print(pcall(function() return undefined_table_xyz.field end))
-- case: sem_msg_call_nil_field
local t = {}
print(pcall(function() t.nothing() end))
-- case: sem_msg_arith_nil_local
print(pcall(function() local n; return n + 1 end))
-- case: sem_msg_concat_table_upvalue
local up = {}
print(pcall(function() return 'x' .. up end))
-- case: sem_msg_length_of_nil_local
print(pcall(function() local s; return #s end))
-- case: sem_msg_call_method_of_string
print(pcall(function() local s = 'abc'; return s:nomethod() end))
-- case: sem_sort_binary_strings_unsigned
local t = {'\200', 'a', '\127', 'b', '\255', 'A'}
table.sort(t)
local out = {}
for i, v in ipairs(t) do out[i] = v:byte() end
print(table.concat(out, ' '))
-- case: sem_sort_equal_keys_order
local t = {}
for i = 1, 20 do t[i] = {k = i % 4, id = i} end
table.sort(t, function(a, b) return a.k < b.k end)
local out = {}
for i, v in ipairs(t) do out[i] = v.k .. ':' .. v.id end
print(table.concat(out, ' '))
-- case: sem_sort_invalid_order_function
local ok, e = pcall(table.sort, {3, 1, 2, 5, 4, 9, 8, 7, 6}, function(a, b) return true end)
print(ok, (tostring(e):gsub('^[^:]*:%d+: ', '')))
