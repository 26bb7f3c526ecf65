-- VM corpus: goto, labels, continue patterns, break. Each "-- case: NAME" line starts a chunk of its own.
-- case: goto_continue_numeric
local out = {}
for i = 1, 10 do
  if i % 3 == 0 then goto continue end
  out[#out + 1] = i
  ::continue::
end
print(table.concat(out, ' '))
-- case: goto_continue_while
local i, out = 0, {}
while i < 8 do
  i = i + 1
  if i % 2 == 1 then goto continue end
  out[#out + 1] = i
  ::continue::
end
print(table.concat(out, ' '))
-- case: goto_continue_repeat
local i, out = 0, {}
repeat
  i = i + 1
  if i == 2 then goto continue end
  out[#out + 1] = i
  ::continue::
until i >= 5
print(table.concat(out, ' '))
-- case: goto_backward_loop
local i = 1
local out = {}
::again::
out[#out + 1] = i
i = i + 1
if i <= 5 then goto again end
print(table.concat(out, ','))
-- case: goto_forward_skip
local x = 1
goto skip
x = 2
::skip::
print(x)
-- case: goto_break_nested
local found
for i = 1, 5 do
  for j = 1, 5 do
    if i * j == 12 then found = i .. 'x' .. j; goto done end
  end
end
::done::
print(found)
-- case: goto_nested_blocks_labels
local r = {}
do
  goto a
  r[#r + 1] = 'never'
  ::a::
  r[#r + 1] = 'a'
  do
    goto b
    r[#r + 1] = 'never'
    ::b::
    r[#r + 1] = 'b'
  end
end
print(table.concat(r))
-- case: goto_same_label_name_different_blocks
local r = {}
for i = 1, 2 do
  do goto x end
  ::x::
  r[#r + 1] = i
end
do goto x; ::x:: r[#r + 1] = 'outer' end
print(table.concat(r, ','))
-- case: goto_closure_each_iteration
local fs = {}
local i = 1
::loop::
do
  local j = i
  fs[#fs + 1] = function() return j end
end
i = i + 1
if i <= 4 then goto loop end
print(fs[1](), fs[2](), fs[3](), fs[4]())
-- case: goto_state_machine
local state, out = 's1', {}
::dispatch::
if state == 's1' then out[#out + 1] = 1; state = 's2'; goto dispatch
elseif state == 's2' then out[#out + 1] = 2; state = 's3'; goto dispatch
elseif state == 's3' then out[#out + 1] = 3 end
print(table.concat(out))
-- case: goto_label_at_end_of_block
local n = 0
for i = 1, 3 do
  n = n + i
  goto last
  n = n + 100
  ::last::
end
print(n)
-- case: break_nested_inner_only
local out = {}
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then break end
    out[#out + 1] = i .. j
  end
end
print(table.concat(out, ' '))
-- case: break_while_true
local n = 0
while true do
  n = n + 1
  if n == 7 then break end
end
print(n)
-- case: break_repeat
local n = 0
repeat
  n = n + 1
  if n == 4 then break end
until false
print(n)
-- case: break_generic_for
local last
for i, v in ipairs({'a', 'b', 'c', 'd'}) do
  last = v
  if v == 'c' then break end
end
print(last)
-- case: break_inside_do_block
local n = 0
for i = 1, 10 do
  do
    n = n + 1
    if i == 3 then break end
  end
end
print(n)
-- case: goto_syntax_errors_detected
print(load('goto nowhere') == nil)
print(load('do local x ::l:: end goto l') == nil)
print(load('::a:: ::a::') == nil)
print(load('goto f; local x; ::f:: print(x)') == nil)
print(load('do goto f; local x; ::f:: end') ~= nil)
-- case: goto_jump_into_scope_of_label_at_end_ok
local r = 0
do
  goto e
  local z = 1
  r = z
  ::e::
end
print(r)
-- case: goto_loop_with_counter_upvalue
local total = 0
local function add(k) total = total + k end
local k = 0
::top::
k = k + 1
add(k)
if k < 100 then goto top end
print(total)
-- case: goto_nested_loop_continue_outer
local out = {}
for i = 1, 4 do
  for j = 1, 4 do
    if j > i then goto next_i end
    out[#out + 1] = j
  end
  ::next_i::
end
print(table.concat(out))
