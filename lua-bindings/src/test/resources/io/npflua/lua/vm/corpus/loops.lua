-- VM corpus: numeric for, generic for, while, repeat. Each "-- case: NAME" line starts a chunk of its own.
-- case: for_basic
local s = {}
for i = 1, 5 do s[#s + 1] = i end
print(table.concat(s, ' '))
-- case: for_step_two
local s = {}
for i = 1, 10, 2 do s[#s + 1] = i end
print(table.concat(s, ' '))
-- case: for_negative_step
local s = {}
for i = 10, 1, -3 do s[#s + 1] = i end
print(table.concat(s, ' '))
-- case: for_fractional_step
local s = {}
for i = 0, 1, 0.25 do s[#s + 1] = i * 4 end
print(table.concat(s, ' '))
-- case: for_fractional_negative_step
local n, last = 0, nil
for i = 1, 0, -0.125 do n = n + 1; last = i end
print(n, last * 8)
-- case: for_empty_range
local n = 0
for i = 5, 1 do n = n + 1 end
for i = 1, 5, -1 do n = n + 1 end
print(n)
-- case: for_single_iteration
local n = 0
for i = 3, 3 do n = n + i end
for i = 3, 3, -1 do n = n + i end
print(n)
-- case: for_bounds_evaluated_once
local calls = 0
local function lim() calls = calls + 1; return 5 end
local n = 0
for i = 1, lim() do n = n + 1 end
print(n, calls)
-- case: for_var_is_local_copy
local s = {}
for i = 1, 3 do
  local j = i
  i = i * 100
  s[#s + 1] = j .. ':' .. i
end
print(table.concat(s, ' '))
-- case: for_var_not_visible_after
local i = 'outer'
for i = 1, 2 do end
print(i)
-- case: for_large_bounds
local n = 0
for i = 2^53 - 3, 2^53 - 1 do n = n + 1 end
print(n)
-- case: for_huge_step_single
local n = 0
for i = 1, 10, 1e300 do n = n + 1 end
print(n)
-- case: for_float_accumulation_count
local n = 0
for x = 0.1, 1.0, 0.1 do n = n + 1 end
print(n)
-- case: for_negative_zero_start
local n = 0
for i = -3, 3 do n = n + i end
print(n)
-- case: for_step_zero_error
print((pcall(function() for i = 1, 2, 0 do end end)))
-- case: for_non_number_error
print((pcall(function() for i = 'a', 2 do end end)))
-- case: for_string_numbers_coerced
local n = 0
for i = '1', '3' do n = n + i end
print(n)
-- case: for_nested_sum
local s = 0
for i = 1, 10 do for j = i, 10 do s = s + i * j end end
print(s)
-- case: for_infinite_bound_break
local n = 0
for i = 1, math.huge do n = n + 1; if n == 1000 then break end end
print(n)
-- case: for_negative_infinite_bound
local n = 0
for i = 0, -math.huge, -1 do n = n + 1; if n >= 10 then break end end
print(n)
-- case: generic_ipairs_stops_at_nil
local s = {}
for i, v in ipairs({1, 2, nil, 4}) do s[#s + 1] = v end
print(#s)
-- case: generic_pairs_sum
local t = {a = 1, b = 2, c = 3, 10, 20}
local s = 0
for k, v in pairs(t) do s = s + v end
print(s)
-- case: generic_next_direct
local t = {x = 1}
local k, v = next(t)
print(k, v, next(t, k), next({}))
-- case: generic_custom_stateless_iterator
local function iter(t, i)
  i = i + 1
  if t[i] then return i, t[i] end
end
local s = {}
for i, v in iter, {'p', 'q', 'r'}, 0 do s[#s + 1] = i .. v end
print(table.concat(s, ' '))
-- case: generic_iterator_state_and_control
local function evens(max)
  return function(m, c) c = c + 2; if c <= m then return c end end, max, 0
end
local s = {}
for v in evens(10) do s[#s + 1] = v end
print(table.concat(s, ' '))
-- case: generic_three_values
local function triples()
  local i = 0
  return function() i = i + 1; if i <= 3 then return i, i * i, i * i * i end end
end
for a, b, c in triples() do print(a, b, c) end
-- case: generic_pairs_modify_existing
local t = {a = 1, b = 2, c = 3}
for k, v in pairs(t) do t[k] = v * 10 end
print(t.a, t.b, t.c)
-- case: generic_pairs_remove_during
local t = {}
for i = 1, 20 do t['k' .. i] = i end
for k in pairs(t) do t[k] = nil end
print(next(t))
-- case: while_basic
local i, s = 0, 0
while i < 10 do i = i + 1; s = s + i end
print(i, s)
-- case: while_false_never
local n = 0
while false do n = n + 1 end
while nil do n = n + 1 end
print(n)
-- case: while_condition_call
local items = {3, 2, 1}
local n = 0
while table.remove(items) do n = n + 1 end
print(n)
-- case: repeat_basic
local i = 0
repeat i = i + 1 until i == 5
print(i)
-- case: repeat_runs_once
local n = 0
repeat n = n + 1 until true
print(n)
-- case: repeat_until_uses_body_local
local i = 0
repeat
  local done = i >= 3
  i = i + 1
until done
print(i)
-- case: repeat_until_local_closure
local fs = {}
local i = 0
repeat
  i = i + 1
  local v = i
  fs[i] = function() return v end
until v >= 3
print(fs[1](), fs[2](), fs[3]())
-- case: repeat_nested
local out = {}
local i = 0
repeat
  i = i + 1
  local j = 0
  repeat
    j = j + 1
    out[#out + 1] = i * j
  until j >= i
until i >= 3
print(table.concat(out, ' '))
-- case: loop_collatz
local function steps(n)
  local c = 0
  while n ~= 1 do
    if n % 2 == 0 then n = n / 2 else n = 3 * n + 1 end
    c = c + 1
  end
  return c
end
print(steps(27), steps(97), steps(1))
-- case: loop_primes_sieve
local N = 100
local sieve = {}
for i = 2, N do sieve[i] = true end
for i = 2, N do
  if sieve[i] then for j = i * i, N, i do sieve[j] = false end end
end
local c, last = 0, 0
for i = 2, N do if sieve[i] then c = c + 1; last = i end end
print(c, last)
-- case: loop_million_iterations
local s = 0
for i = 1, 1000000 do s = s + (i % 7) end
print(s)
-- case: loop_while_with_break_and_continue
local i, out = 0, {}
while true do
  i = i + 1
  if i > 10 then break end
  if i % 2 == 0 then goto cont end
  out[#out + 1] = i
  ::cont::
end
print(table.concat(out, ','))
-- case: loop_for_downto_with_fraction_bounds
local s = {}
for i = 5.5, 1, -1 do s[#s + 1] = i * 2 end
print(table.concat(s, ' '))
-- case: loop_for_negative_fraction_step_empty
local n = 0
for i = 0, 1, -0.5 do n = n + 1 end
print(n)
