-- VM corpus: varargs, select, multiple results, truncation. Each "-- case: NAME" line starts a chunk of its own.
-- case: va_count
local function n(...) return select('#', ...) end
print(n(), n(nil), n(nil, nil), n(1, nil, 3), n(nil, nil, nil, nil))
-- case: va_select_positive
print(select(2, 'a', 'b', 'c'))
print(select(3, 'a', 'b', 'c'))
print(select(4, 'a', 'b', 'c'))
-- case: va_select_negative
print(select(-1, 'a', 'b', 'c'))
print(select(-3, 'a', 'b', 'c'))
-- case: va_select_errors
print((pcall(select, 0, 'a')))
print((pcall(select, -5, 'a')))
print(pcall(select, 1.0, 'a'))
-- case: va_table_pack
local function pack(...) return {...}, select('#', ...) end
local t, n = pack(1, 2, 3)
print(#t, n, t[1], t[3])
local t2, n2 = pack()
print(#t2, n2)
-- case: va_holes_in_pack
local function f(...) local t = {...}; return t[1], t[2], t[3], select('#', ...) end
print(f(nil, 2, nil))
-- case: va_middle_truncated
local function three() return 1, 2, 3 end
print(three(), 10)
print(10, three())
print(three(), three())
-- case: va_parens_truncate
local function three() return 1, 2, 3 end
print((three()))
local t = {(three())}
print(#t)
local a, b = (three())
print(a, b)
-- case: va_constructor_middle_vs_end
local function three() return 1, 2, 3 end
local t1 = {three(), three()}
local t2 = {three(), 'x'}
local t3 = {'x', three()}
print(#t1, #t2, #t3, t1[4], t3[4])
-- case: va_vararg_in_middle_of_call
local function f(...) return select('#', ...) end
local function g(...) return f(..., 'end'), f('start', ...), f(...) end
print(g(1, 2, 3))
print(g())
-- case: va_vararg_in_constructor
local function f(...) local t = {..., 'z'}; local u = {'a', ...}; return #t, #u end
print(f(1, 2, 3))
-- case: va_unpack_basic
print(table.unpack({1, 2, 3}))
print(table.unpack({1, 2, 3}, 2))
print(table.unpack({1, 2, 3}, 2, 3))
print(table.unpack({1, 2, 3}, 3, 2))
print(select('#', table.unpack({}, 1, 3)))
-- case: va_unpack_into_call
local function add(a, b, c) return a + b + c end
print(add(table.unpack({10, 20, 30})))
-- case: va_forward_all
local function inner(...) return ... end
local function outer(...) return inner(...) end
print(outer(1, nil, 3, nil))
print(select('#', outer(1, nil, 3, nil)))
-- case: va_adjust_locals
local function f(...)
  local a, b, c = ...
  return a, b, c
end
print(f(1))
print(f(1, 2, 3, 4))
-- case: va_named_and_rest
local function f(a, b, ...)
  return a, b, select('#', ...), ...
end
print(f(1, 2, 3, 4, 5))
print(f(1))
-- case: va_multiple_assignment_results
local function two() return 'x', 'y' end
local a, b, c = two()
print(a, b, c)
local d, e, f = two(), 'z'
print(d, e, f)
local g, h, i = 0, two()
print(g, h, i)
-- case: va_return_none_vs_nil
local function none() end
local function onenil() return nil end
print(select('#', none()), select('#', onenil()))
print(none())
print((none()))
-- case: va_return_many
local function many()
  return 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20
end
print(select('#', many()), select(20, many()))
local t = {many()}
print(#t)
-- case: va_sum_varargs
local function sum(...)
  local s = 0
  for i = 1, select('#', ...) do s = s + (select(i, ...)) end
  return s
end
print(sum(), sum(1), sum(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
-- case: va_ipairs_over_pack
local function f(...)
  local out = {}
  for i, v in ipairs({...}) do out[i] = v * 2 end
  return table.concat(out, ' ')
end
print(f(1, 2, 3, 4))
-- case: va_string_format_varargs
local function fmt(...) return string.format(...) end
print(fmt('%d-%s-%d', 1, 'two', 3))
-- case: va_method_varargs
local obj = {base = 100}
function obj:sum(...)
  local s = self.base
  for _, v in ipairs({...}) do s = s + v end
  return s
end
print(obj:sum(1, 2, 3), obj.sum(obj), obj.sum({base = 0}, 5))
-- case: va_tail_vararg_return
local function f(...) return select('#', ...), ... end
local function g(...) return f(...) end
print(g('a', 'b'))
-- case: va_long_vararg_list
local t = {}
for i = 1, 200 do t[i] = i end
local function count(...) return select('#', ...) end
print(count(table.unpack(t)))
local function last(...) return (select(select('#', ...), ...)) end
print(last(table.unpack(t)))
-- case: va_vararg_nil_tail
local function f(...) return ... end
local t = {f(1, nil, nil)}
print(select('#', f(1, nil, nil)), t[1], t[2])
-- case: va_main_chunk_vararg
print(select('#', ...))
-- case: va_select_with_call_result
local function three() return 'a', 'b', 'c' end
print(select(2, three()))
print(select('#', three(), three()))
-- case: va_string_byte_multi
print(string.byte('ABCDE', 1, -1))
print(select('#', string.byte('ABCDE', 2, 4)))
-- case: va_pcall_results
local function f(...) return ... end
print(pcall(f, 1, 2, 3))
print(select('#', pcall(f)))
