-- Runs pattern-engine fuzz cases and prints one result line per case. Reference run:
--   lua5.4 pattern-driver.lua cases.txt > golden.txt
-- Under LuaJ the caller sets CASES (a table of case lines) and EMIT (a line sink) before running this chunk;
-- the chunk also leaves RUN_CASE, which maps one case line to its result line, and LOAD_CASE.
-- A case is one Lua expression over the helpers below: F/M (find/match), G (gmatch, collected), S (gsub with a
-- replacement from R). Written in the Lua 5.2 subset LuaJ parses; results print numbers by value, so the integer
-- and float subtypes of Lua 5.4 do not show.
local cases = CASES
if not cases then
  cases = {}
  for line in io.lines(arg[1]) do cases[#cases + 1] = line end
end
local emit = EMIT or print

-- gmatch results collected per case; a match list longer than this ends in "..." (an engine that loops on an
-- empty match shows there instead of hanging).
local MAX_ITERATIONS = 40

local function escape(s)
  return (s:gsub("[^\32-\126]", function(c) return "\\" .. c:byte() end))
end

local function value(v)
  local t = type(v)
  if t == "string" then
    return "s:" .. escape(v)
  elseif t == "number" then
    if v == math.floor(v) and v > -2^53 and v < 2^53 then return "n:" .. string.format("%d", v) end
    return "n:" .. string.format("%.17g", v)
  elseif t == "nil" or t == "boolean" then
    return tostring(v)
  end
  return t
end

local function list(n, ...)
  local out = {}
  for i = 1, n do out[i] = value((select(i, ...))) end
  return table.concat(out, ",")
end

-- Error messages reduced to their kind: the "chunk:line:" prefix and the function name of an argument error go
-- (the name LuaJ reports for a method call or an iterator differs from C Lua's); the rest is the message itself.
local function kind(msg)
  if type(msg) ~= "string" then return "non-string error (" .. type(msg) .. ")" end
  msg = msg:gsub("^[^\n]-:%d+:? ", "")
  msg = msg:gsub("^bad argument #(%d+) to '[^']*'", "bad argument #%1")
  return escape(msg)
end

local function show(val)
  if type(val) == "number" then return string.format("%d", val) end
  return tostring(val)
end

local function describe(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do out[i] = type((select(i, ...))) .. "=" .. escape(show((select(i, ...)))) end
  return table.concat(out, ";")
end

-- Replacement values for gsub, by index.
local R = {
  "", "x", "%0", "%1", "%2", "<%1|%2>", "%%", "%", "%a", "%9", "[%0%0]", "%1%1%1", "a%", "%3",
  {a = "A", b = "BB", ab = "[ab]", ["1"] = "one", [1] = "int1", [2] = false, [3] = 3, c = true, x = {}},
  {},
  function(...) return "(" .. describe(...) .. ")" end,
  function() return nil end,
  function() return false end,
  function(a) return a end,
  function(a, b) return b end,
  function() return {} end,
  function(a) if type(a) == "string" and #a % 2 == 1 then return a .. a end end,
  function() return 7 end,
}

local env = setmetatable({}, {__index = _G})
-- s as a slice of a longer string (LuaJ then shares the longer string's bytes at an offset; C Lua copies).
function env.W(s) return ("\255%" .. s .. "\0("):sub(3, -3) end
function env.F(s, p, i, plain) return string.find(s, p, i, plain) end
function env.M(s, p, i) return string.match(s, p, i) end
function env.G(s, p, i)
  local it = string.gmatch(s, p, i)
  local out = {}
  for k = 1, MAX_ITERATIONS + 1 do
    if k > MAX_ITERATIONS then out[#out + 1] = "..." break end
    local r = table.pack(it())
    if r[1] == nil then break end
    out[#out + 1] = "{" .. list(r.n, table.unpack(r, 1, r.n)) .. "}"
  end
  return table.concat(out)
end
function env.S(s, p, r, n) return string.gsub(s, p, R[r], n) end
function env.Smeth(s, p, r) return s:gsub(p, R[r]) end

local function results(ok, ...)
  if not ok then return "error: " .. kind((...)) end
  return "ok " .. select("#", ...) .. ": " .. list(select("#", ...), ...)
end

-- One case's result line. With times > 1 the same chunk (thus the same pattern string objects) runs that often
-- and the last result is returned, marked if any run differed: this reaches an engine's per-pattern caches.
local function run(code, times)
  local f, err = load("return " .. code, "=case", "t", env)
  if not f then return "load error: " .. escape(err) end
  local first = results(pcall(f))
  for _ = 2, times or 1 do
    local again = results(pcall(f))
    if again ~= first then return "unstable: " .. first .. " then " .. again end
  end
  return first
end
RUN_CASE = run
-- The case compiled once, as a function returning its result line: each call uses the same pattern strings.
LOAD_CASE = function(code)
  local f, err = load("return " .. code, "=case", "t", env)
  if not f then error(err) end
  return function() return results(pcall(f)) end
end

for _, code in ipairs(cases) do emit(run(code)) end
