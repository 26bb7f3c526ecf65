-- VM corpus: arithmetic, comparison, math and bit32. Each "-- case: NAME" line starts a chunk of its own.
-- case: ar_basic_ops
print(7 + 3, 7 - 3, 7 * 3, 7 / 2, 7 % 3, 2 ^ 10)
-- case: ar_precedence
print(2 + 3 * 4, (2 + 3) * 4, 2 ^ 3 ^ 2, -2 ^ 2, 2 * -3, 10 - 2 - 3, 100 / 10 / 5)
-- case: ar_unary_minus
local x = 5
print(-x, - -x, -(-x), -(x - 10))
-- case: ar_mod_negative
print(5 % 3, -5 % 3, 5 % -3, -5 % -3, 5.5 % 2, -5.5 % 2)
-- case: ar_mod_fraction
print(3.75 % 1, -3.75 % 1, 10 % 0.5)
-- case: ar_division_results
print(1 / 2, 1 / 4, 3 / 8, 10 / 4, -9 / 2)
-- case: ar_division_by_zero
print(1 / 0, -1 / 0, 1 / 0 > 2^1000, -1 / 0 < -2^1000)
-- case: ar_nan_compare
local nan = 0 / 0
print(nan == nan, nan ~= nan, nan < 1, nan > 1, nan <= nan)
-- case: ar_pow_fractional
print(4 ^ 0.5, 27 ^ (1 / 3) > 2.99, 2 ^ -1, 2 ^ 0, 0 ^ 0)
-- case: ar_large_integers
print(2^53 + 1 == 2^53, 2^52 + 1 == 2^52 + 2 - 1, 123456789 * 1000, 999999999999)
-- case: ar_float_exactness
print(0.1 + 0.2 == 0.3, 0.5 + 0.25 == 0.75, 1e13 + 1, 3 * 0.5)
-- case: ar_float_print
print(0.1, 1/3, 2/3, 1e100, 1e-5, 123.456, 1e13, -1e13, 1.5e300)
-- case: ar_string_coercion
print('10' + 5, '3' * '4', '2' ^ 3, 10 .. '', '0x10' + 0, ' 7 ' + 1, '1e2' + 0)
-- case: ar_string_coercion_error
print((pcall(function() return 'abc' + 1 end)), (pcall(function() return {} + 1 end)))
-- case: ar_compare_numbers_strings
print(1 < 2, 'a' < 'b', 'abc' < 'abd', 'Z' < 'a', '' < 'a', '10' < '9')
-- case: ar_compare_mixed_error
print((pcall(function() return 1 < '2' end)), 1 == '1')
-- case: ar_equality_types
print(1 == 1.0, '1' == '1', nil == false, {} == {}, 0 == -0)
-- case: ar_math_floor_ceil
print(math.floor(3.7), math.floor(-3.7), math.ceil(3.2), math.ceil(-3.2), math.floor(5), math.ceil(-0.5) == 0)
-- case: ar_math_minmax_abs
print(math.max(3, 9, 1), math.min(3, 9, 1), math.max(-1), math.abs(-12), math.abs(12))
-- case: ar_math_fmod_modf
print(math.fmod(7, 3), math.fmod(-7, 3), math.modf(3.25))
print(math.modf(-3.25))
-- case: ar_math_sqrt_exp_log
print(math.sqrt(144), math.exp(0), math.log(1), math.floor(math.log(1000) * 1000))
-- case: ar_math_log_base
print(math.log(8, 2), math.log(100, 10), math.log(81, 3))
-- case: ar_math_trig
print(math.sin(0), math.cos(0), math.floor(math.pi * 1e6), math.tan(0))
-- case: ar_math_huge
print(math.huge > 1e308, -math.huge < -1e308, math.huge == 1 / 0)
-- case: ar_tonumber_bases
print(tonumber('1010', 2), tonumber('777', 8), tonumber('zz', 36), tonumber('8', 8), tonumber('FF', 16))
-- case: ar_tonumber_forms
print(tonumber('0x1F'), tonumber('1e3'), tonumber('.5'), tonumber('5.'), tonumber(''), tonumber('  '), tonumber('1 2'))
-- case: ar_tonumber_non_strings
print(tonumber(nil), tonumber(true), tonumber({}), tonumber(12))
-- case: ar_integer_loops_sum
local s = 0
for i = 1, 100 do s = s + i * i end
print(s)
-- case: ar_factorial_float
local f = 1
for i = 1, 20 do f = f * i end
print(f == 2432902008176640000, f > 2^61)
-- case: ar_bit32_basic
print(bit32.band(0xFF, 0x0F), bit32.bor(0xF0, 0x0F), bit32.bxor(0xFF, 0x0F), bit32.bnot(0))
-- case: ar_bit32_shifts
print(bit32.lshift(1, 31), bit32.rshift(0x80000000, 31), bit32.arshift(0x80000000, 4), bit32.lshift(1, 32))
-- case: ar_bit32_rotate_extract
print(bit32.lrotate(0x80000001, 1), bit32.rrotate(1, 1), bit32.extract(0xABCD, 4, 8), bit32.replace(0, 0xF, 8, 4))
-- case: ar_bit32_btest_negative
print(bit32.btest(1, 2), bit32.btest(3, 2), bit32.band(-1), bit32.band(2^32 + 5))
-- case: ar_hex_literals
print(0xA, 0Xff, 0x7FFFFFFF, 0x100000000, 0xa.8p0, 0x1p4)
-- case: ar_exponent_literals
print(1e2, 1E-2, 2.5e3, .5, 3., 0.0)
-- case: ar_comparison_operators_chain
local a, b, c = 1, 2, 3
print(a < b and b < c, a < b and b > c, not (a == b) and c >= 3)
-- case: ar_increment_in_loop_precision
local x = 0
for i = 1, 1000 do x = x + 0.001 end
print(math.abs(x - 1) < 1e-9, x == 1)
-- case: ar_length_operator
print(#'hello', #'', #{1, 2, 3}, #{n = 1})
-- case: ar_unary_on_strings
print(-'2', -'-3')
-- case: ar_mixed_expression_constants_folding
local x = 3
print(2 * 3 + x, x * (2 + 3), 2 ^ x, x % 2, -x ^ 2, (-x) ^ 2)
-- case: ar_integer_valued_float_print
print(3.0, -0.5 * 4, 1e3, 2^63, 100 / 4)
