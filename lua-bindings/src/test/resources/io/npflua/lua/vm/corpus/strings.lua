-- VM corpus: strings as the VM sees them (literals, escapes, concat, length, library calls). Each
-- "-- case: NAME" line starts a chunk of its own.
-- case: str_escapes
print('a\tb', 'q\'s', "d\"q", 'back\\slash', '\65\066\x43', #'\0\0\0')
-- case: str_z_escape
local s = 'abc\z
           def'
print(s, #s)
-- case: str_long_brackets
local s = [[
first line
second]]
local t = [==[with ]] inside]==]
print(#s, t)
-- case: str_concat_numbers
print(1 .. 2, 'n' .. 10, 10 .. 'n', -5 .. '', 2^31 .. '')
-- case: str_concat_many
local parts = {}
for i = 1, 100 do parts[#parts + 1] = i end
local s = ''
for i = 1, 100 do s = s .. i end
print(#s, s == table.concat(parts))
-- case: str_length_and_bytes
local s = 'h\0llo'
print(#s, s:byte(2), s:sub(3))
-- case: str_sub_ranges
local s = 'abcdefgh'
print(s:sub(2, 4), s:sub(-3), s:sub(-3, -2), s:sub(0), s:sub(5, 2), s:sub(10), s:sub(-100, 2))
-- case: str_upper_lower_rep_reverse
print(('MiXeD'):upper(), ('MiXeD'):lower(), ('ab'):rep(3), ('ab'):rep(3, ','), ('abc'):reverse(), ('x'):rep(0))
-- case: str_char_byte
print(string.char(72, 105), ('A'):byte(), ('ABC'):byte(-1), string.char())
-- case: str_find_plain_and_pattern
print(('hello world'):find('o w'), ('a.b'):find('.', 1, true), ('abc'):find('x'))
-- case: str_match_captures
print(('key=value'):match('(%w+)=(%w+)'), ('  trim  '):match('^%s*(.-)%s*$'), ('2024-01-15'):match('(%d+)-(%d+)-(%d+)'))
-- case: str_gmatch_words
local words = {}
for w in ('the quick brown fox'):gmatch('%a+') do words[#words + 1] = w end
print(#words, words[4])
-- case: str_gmatch_pairs
local t = {}
for k, v in ('a=1,b=2,c=3'):gmatch('(%w)=(%d)') do t[#t + 1] = k .. v end
print(table.concat(t, ';'))
-- case: str_gsub_count_and_limit
print(('aaaa'):gsub('a', 'b'), ('aaaa'):gsub('a', 'b', 2), ('abc'):gsub('', '-'))
-- case: str_gsub_backrefs
print(('hello world'):gsub('(%w+) (%w+)', '%2 %1'), ('abc'):gsub('%w', '%0%0'))
-- case: str_format_integers
print(string.format('%d %5d %-5d| %05d %x %X %o', 42, 42, 42, 42, 255, 255, 8))
-- case: str_format_strings
print(string.format('[%s] [%10s] [%-10s] [%.2s] %%', 'abc', 'abc', 'abc', 'abc'))
-- case: str_format_floats
print(string.format('%.3f %e %g %g %.1f', 3.14159, 12345.678, 0.0001, 1e20, 2.25))
-- case: str_format_q
print(string.format('%q', 'line1\nline2 "quoted" \\ tab\t'))
-- case: str_format_c
print(string.format('%c%c%c', 76, 117, 97))
-- case: str_compare_lexicographic
print('a' < 'b', 'abc' < 'abcd', 'B' < 'a', 'a\0b' < 'a\0c', 'abc' == 'abc', 'a' <= 'a')
-- case: str_tostring_values
print(tostring(nil), tostring(true), tostring(false), tostring(123), tostring('s'))
-- case: str_as_table_key_interning
local t = {}
t['ab' .. 'c'] = 1
print(t.abc, t[('abc'):sub(1)])
-- case: str_len_operator_vs_method
local s = 'length'
print(#s, s:len(), string.len(s))
-- case: str_number_to_string_in_table_concat
print(table.concat({1, 2, 'three', 4}, '-'))
-- case: str_concat_error
print((pcall(function() return 'a' .. {} end)), (pcall(function() return 'a' .. nil end)))
-- case: str_multiline_concat_build
local lines = {}
for i = 1, 5 do lines[#lines + 1] = ('%d:%s'):format(i, ('*'):rep(i)) end
print(table.concat(lines, ' '))
-- case: str_frontier_and_balance
print(('THE (quick) fox'):gsub('%f[%a]%a+', 'W'), ('x(a(b)c)y'):match('%b()'))
-- case: str_anchor_and_classes
print(('abc123'):match('^%a+'), ('abc123'):match('%d+$'), ('a1b2'):gsub('%d', '#'), ('x y'):find('%s'))
-- case: str_find_init_negative
print(('abcabc'):find('b', -2), ('abcabc'):find('b', -5), ('abc'):find('', 10))
-- case: str_rep_large
local s = ('ab'):rep(10000)
print(#s, s:sub(-4))
-- case: str_byte_loop_checksum
local s = 'The quick brown fox jumps over the lazy dog'
local sum = 0
for i = 1, #s do sum = (sum * 31 + s:byte(i)) % 1000000007 end
print(sum)
-- case: str_split_function
local function split(s, sep)
  local out = {}
  for piece in (s .. sep):gmatch('(.-)' .. sep:gsub('%p', '%%%0')) do out[#out + 1] = piece end
  return out
end
local p = split('a,b,,c', ',')
print(#p, p[1], p[3] == '', p[4])
-- case: str_method_on_number_via_tostring
print(tostring(12):rep(2), (12 .. ''):len())
