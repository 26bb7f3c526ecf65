-- VM corpus: registers, locals, scopes, assignment order. Each "-- case: NAME" line starts a chunk of its own.
-- case: reg_locals_basic
local a, b, c = 1, 2, 3
print(a, b, c)
local d, e = a + b, b * c
print(d, e)
-- case: reg_locals_fewer_values
local a, b, c = 1
print(a, b, c)
-- case: reg_locals_more_values
local a, b = 1, 2, 3, 4
print(a, b)
-- case: reg_swap
local a, b = 1, 2
a, b = b, a
print(a, b)
-- case: reg_rotate_three
local a, b, c = 1, 2, 3
a, b, c = c, a, b
print(a, b, c)
-- case: reg_shadowing
local x = 1
do
  local x = x + 1
  print(x)
  do
    local x = x * 10
    print(x)
  end
  print(x)
end
print(x)
-- case: reg_same_name_twice
local x = 1
local x = x + 1
print(x)
-- case: reg_multi_assign_table_fields
local t = {1, 2, 3}
t[1], t[2], t[3] = t[3], t[1], t[2]
print(t[1], t[2], t[3])
-- case: reg_many_locals_100
local v1,v2,v3,v4,v5,v6,v7,v8,v9,v10 = 1,2,3,4,5,6,7,8,9,10
local v11,v12,v13,v14,v15,v16,v17,v18,v19,v20 = 11,12,13,14,15,16,17,18,19,20
local v21,v22,v23,v24,v25,v26,v27,v28,v29,v30 = 21,22,23,24,25,26,27,28,29,30
local v31,v32,v33,v34,v35,v36,v37,v38,v39,v40 = 31,32,33,34,35,36,37,38,39,40
local v41,v42,v43,v44,v45,v46,v47,v48,v49,v50 = 41,42,43,44,45,46,47,48,49,50
local v51,v52,v53,v54,v55,v56,v57,v58,v59,v60 = 51,52,53,54,55,56,57,58,59,60
local v61,v62,v63,v64,v65,v66,v67,v68,v69,v70 = 61,62,63,64,65,66,67,68,69,70
local v71,v72,v73,v74,v75,v76,v77,v78,v79,v80 = 71,72,73,74,75,76,77,78,79,80
local v81,v82,v83,v84,v85,v86,v87,v88,v89,v90 = 81,82,83,84,85,86,87,88,89,90
local v91,v92,v93,v94,v95,v96,v97,v98,v99,v100 = 91,92,93,94,95,96,97,98,99,100
print(v1 + v100, v50 * v2, v99 - v33, v7 + v77 + v97)
local s = v1+v2+v3+v4+v5+v6+v7+v8+v9+v10+v11+v12+v13+v14+v15+v16+v17+v18+v19+v20
print(s)
-- case: reg_deep_expression
local a, b, c, d = 2, 3, 5, 7
print(((a + b) * (c - d) + (a * (b + (c * (d - (a + (b * c))))))) % 1000)
print(a * b + c * d - a * c + b * d, (a + b + c + d) * (a - b - c - d))
-- case: reg_nested_calls_args
local function f(a, b, c) return a * 100 + b * 10 + c end
print(f(f(1, 2, 3) % 10, f(0, 0, 4), f(0, 0, 5)))
-- case: reg_and_or_values
local n, f, t = nil, false, true
print(n and 1, f and 1, t and 1, n or 2, f or 2, t or 2)
print(1 and 2 or 3, nil and 2 or 3, false or nil, 1 or error('no'))
-- case: reg_not_values
print(not nil, not false, not 0, not '', not {})
-- case: reg_compare_chain
local a, b = 3, 4
print(a < b, a <= b, a > b, a >= b, a == b, a ~= b)
print(a < b == true, not (a > b))
-- case: reg_local_function_recursion
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(10), fact(15))
-- case: reg_local_nil_in_loop
for i = 1, 3 do
  local x
  if i == 2 then x = 'set' end
  print(i, x)
end
-- case: reg_globals
x_global = 10
local function g() return x_global * 2 end
print(g())
x_global = 11
print(g(), rawget(_G, 'x_global'))
-- case: reg_env_local
do
  local _ENV = {print = print, y = 5}
  z = 7
  print(y, z, _ENV.z)
end
print(z)
-- case: reg_env_upvalue_function
local function withenv(env)
  local _ENV = env
  return function() return val end
end
print(withenv({val = 1})(), withenv({val = 2})())
-- case: reg_block_scope_reuse
local out = {}
do local a = 1; out[#out + 1] = a end
do local b = 2; out[#out + 1] = b end
do local c; out[#out + 1] = tostring(c) end
print(table.concat(out, ','))
-- case: reg_string_constants_many
local t = {'k1','k2','k3','k4','k5','k6','k7','k8','k9','k10','k11','k12','k13','k14','k15','k16'}
print(#t, t[1] .. t[16], t[8])
-- case: reg_long_concat_chain
local a, b, c = 'x', 'y', 'z'
print(a .. b .. c .. a .. b .. c .. 1 .. 2 .. 3)
-- case: reg_numeric_constants
print(0, 1, -1, 255, 65535, 2^31, 2^32, 2^40, -2^40, 1e13, 0x10, 0xff, 0XAB)
