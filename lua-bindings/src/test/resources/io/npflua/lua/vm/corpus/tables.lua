-- VM corpus: tables, constructors, length, table library. Each "-- case: NAME" line starts a chunk of its own.
-- case: tab_constructor_mixed
local t = {1, 2, x = 'x', [10] = 'ten', 3, ['y'] = 'y'}
print(t[1], t[2], t[3], t.x, t.y, t[10])
-- case: tab_constructor_trailing_separators
local a = {1, 2, 3,}
local b = {1; 2; 3;}
local c = {x = 1, y = 2,}
print(#a, #b, c.x + c.y)
-- case: tab_constructor_nested
local t = {{1, 2}, {3, {4, 5}}, n = {m = {k = 'deep'}}}
print(t[1][2], t[2][2][1], t.n.m.k)
-- case: tab_constructor_expression_keys
local k = 'dyn'
local t = {[k] = 1, [k .. '2'] = 2, [3 * 3] = 9, [true] = 't'}
print(t.dyn, t.dyn2, t[9], t[true])
-- case: tab_constructor_call_at_end
local function three() return 1, 2, 3 end
local t = {0, three()}
local u = {three(), 0}
local v = {three(), n = 1}
print(#t, #u, v[1], v[2], v.n)
-- case: tab_constructor_vararg_at_end
local function f(...) return {'first', ...} end
local t = f(1, 2, 3)
print(#t, t[4])
-- case: tab_constructor_parens_truncate
local function three() return 1, 2, 3 end
local t = {(three())}
print(#t)
-- case: tab_length_sequence
local t = {}
for i = 1, 100 do t[i] = i end
print(#t)
t[#t + 1] = 'x'
print(#t, t[101])
-- case: tab_length_after_remove_end
local t = {1, 2, 3, 4, 5}
t[5] = nil
t[4] = nil
print(#t)
-- case: tab_numeric_key_normalization
local t = {}
t[1.0] = 'one'
t[2] = 'two'
print(t[1], t[2.0], #t)
-- case: tab_float_keys
local t = {}
t[1.5] = 'a'
t[-0.5] = 'b'
print(t[1.5], t[3 / 2], t[-1 / 2])
-- case: tab_nil_key_errors
print((pcall(function() local t = {}; t[nil] = 1 end)), (pcall(function() local t = {}; t[0 / 0] = 1 end)))
print(({})[nil])
-- case: tab_insert_remove
local t = {'a', 'b', 'c'}
table.insert(t, 'd')
table.insert(t, 1, 'z')
print(table.concat(t, ''))
print(table.remove(t, 1), table.remove(t), table.concat(t, ''))
-- case: tab_remove_empty
local t = {}
print(table.remove(t), #t)
-- case: tab_concat_ranges
local t = {1, 2, 3, 4, 5}
print(table.concat(t, ',', 2, 4), table.concat(t, ',', 4, 2) == '', table.concat({}, ','))
-- case: tab_sort_numbers_strings
local a = {5, 1, 4, 2, 3}
local b = {'pear', 'apple', 'fig'}
table.sort(a)
table.sort(b)
print(table.concat(a, ' '), table.concat(b, ' '))
-- case: tab_sort_large
local t = {}
local x = 7
for i = 1, 500 do x = (x * 1103515245 + 12345) % 2147483648; t[i] = x % 1000 end
table.sort(t)
local ok = true
for i = 2, #t do if t[i - 1] > t[i] then ok = false end end
print(ok, #t)
-- case: tab_pack_unpack
local p = table.pack(1, nil, 3)
print(p.n, p[1], p[2], p[3])
print(table.unpack({1, 2, 3}, -1, 1))
-- case: tab_rawlen_rawequal
local t = {1, 2}
print(rawlen(t), rawlen('abc'), rawequal(t, t), rawequal(t, {1, 2}))
-- case: tab_next_order_array
local t = {10, 20, 30}
local k, v = next(t)
print(k, v)
-- case: tab_ipairs_sum_large
local t = {}
for i = 1, 1000 do t[i] = i end
local s = 0
for _, v in ipairs(t) do s = s + v end
print(s)
-- case: tab_count_hash_keys
local t = {}
for i = 1, 50 do t['k' .. i] = i end
for i = 1, 50, 2 do t['k' .. i] = nil end
local n = 0
for _ in pairs(t) do n = n + 1 end
print(n)
-- case: tab_table_as_key
local k1, k2 = {}, {}
local t = {[k1] = 'one', [k2] = 'two'}
print(t[k1], t[k2], t[{}])
-- case: tab_boolean_keys
local t = {[true] = 'yes', [false] = 'no'}
print(t[true], t[false], t[1 == 1])
-- case: tab_nested_assignment
local t = {a = {b = {}}}
t.a.b.c = 5
t['a']['b']['d'] = 6
print(t.a.b.c + t.a.b.d)
-- case: tab_self_reference
local t = {}
t.self = t
print(t.self.self.self == t)
-- case: tab_matrix
local m = {}
for i = 1, 5 do m[i] = {} for j = 1, 5 do m[i][j] = i * j end end
local tr = 0
for i = 1, 5 do tr = tr + m[i][i] end
print(tr, m[3][4], #m, #m[1])
-- case: tab_stack_queue
local stack, queue = {}, {first = 1, last = 0}
for i = 1, 5 do stack[#stack + 1] = i; queue.last = queue.last + 1; queue[queue.last] = i end
local s, q = {}, {}
while #stack > 0 do s[#s + 1] = table.remove(stack) end
while queue.first <= queue.last do q[#q + 1] = queue[queue.first]; queue[queue.first] = nil; queue.first = queue.first + 1 end
print(table.concat(s), table.concat(q))
-- case: tab_sparse_array_ipairs
local t = {}
t[1], t[2], t[4] = 'a', 'b', 'd'
local n = 0
for _ in ipairs(t) do n = n + 1 end
print(n)
-- case: tab_integer_string_keys_distinct
local t = {}
t[1] = 'number'
t['1'] = 'string'
print(t[1], t['1'])
-- case: tab_large_hash_growth
local t = {}
for i = 1, 5000 do t[i * 7] = i end
local s = 0
for k, v in pairs(t) do s = s + v end
print(s, t[35000], t[7])
-- case: tab_negative_and_zero_indices
local t = {[0] = 'zero', [-1] = 'neg', 'one'}
print(t[0], t[-1], t[1], #t)
-- case: tab_constructor_many_hash_entries
local t = {a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8,i=9,j=10,k=11,l=12,m=13,n=14,o=15,p=16,q=17,r=18,s=19,t=20}
local s = 0
for _, v in pairs(t) do s = s + v end
print(s, t.j, t.t)
-- case: tab_setlist_60
local t = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60}
print(#t, t[1], t[50], t[51], t[60])
-- case: tab_setlist_120_sum
local t = {2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58, 60, 62, 64, 66, 68, 70, 72, 74, 76, 78, 80, 82, 84, 86, 88, 90, 92, 94, 96, 98, 100, 102, 104, 106, 108, 110, 112, 114, 116, 118, 120, 122, 124, 126, 128, 130, 132, 134, 136, 138, 140, 142, 144, 146, 148, 150, 152, 154, 156, 158, 160, 162, 164, 166, 168, 170, 172, 174, 176, 178, 180, 182, 184, 186, 188, 190, 192, 194, 196, 198, 200, 202, 204, 206, 208, 210, 212, 214, 216, 218, 220, 222, 224, 226, 228, 230, 232, 234, 236, 238, 240}
local s = 0
for i = 1, #t do s = s + t[i] end
print(#t, s, t[100])
-- case: tab_setlist_mixed_110
local t = {1, 2, k3 = 3, 4, 5, k6 = 6, 7, 8, k9 = 9, 10, 11, k12 = 12, 13, 14, k15 = 15, 16, 17, k18 = 18, 19, 20, k21 = 21, 22, 23, k24 = 24, 25, 26, k27 = 27, 28, 29, k30 = 30, 31, 32, k33 = 33, 34, 35, k36 = 36, 37, 38, k39 = 39, 40, 41, k42 = 42, 43, 44, k45 = 45, 46, 47, k48 = 48, 49, 50, k51 = 51, 52, 53, k54 = 54, 55, 56, k57 = 57, 58, 59, k60 = 60, 61, 62, k63 = 63, 64, 65, k66 = 66, 67, 68, k69 = 69, 70, 71, k72 = 72, 73, 74, k75 = 75, 76, 77, k78 = 78, 79, 80, k81 = 81, 82, 83, k84 = 84, 85, 86, k87 = 87, 88, 89, k90 = 90, 91, 92, k93 = 93, 94, 95, k96 = 96, 97, 98, k99 = 99, 100, 101, k102 = 102, 103, 104, k105 = 105, 106, 107, k108 = 108, 109, 110}
print(#t, t[1], t[2], t[73], t.k3, t.k108, t[74])
-- case: tab_setlist_60_then_call
local function three() return 'x', 'y', 'z' end
local t = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, three()}
print(#t, t[60], t[61], t[63])
-- case: tab_setlist_60_then_vararg
local function f(...) return {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, ...} end
local t = f('a', 'b')
print(#t, t[61], t[62])
