-- Runs the string corpus and prints one line per case: "<code> => <result>". Usage (reference):
--   lua5.4 run-corpus.lua corpus.lua > golden.txt
-- Under LuaJ the test sets the globals CORPUS (the cases) and EMIT (a line sink) before running this chunk.
local cases = CORPUS or dofile(arg[1])
local emit = EMIT or print

local function escape(s)
  return (s:gsub("[^\32-\126]", function(c) return "\\" .. c:byte() end):gsub("\\\\", "\\\\\\"))
end

local function value(v)
  local t = type(v)
  if t == "string" then
    return "s:" .. escape(v)
  elseif t == "number" then
    if v ~= v then return "n:nan" end
    if v == 1/0 then return "n:inf" end
    if v == -1/0 then return "n:-inf" end
    if v == math.floor(v) and v > -2^63 and v < 2^63 then return "n:" .. string.format("%d", v) end
    return "n:" .. string.format("%.17g", v)
  elseif t == "nil" or t == "boolean" then
    return tostring(v)
  else
    return t
  end
end

local function results(ok, ...)
  if not ok then
    local msg = ...
    if type(msg) == "string" then
      msg = msg:gsub("^[^:%s]+:%d+:? ", "")
    else
      msg = type(msg)
    end
    return "error: " .. escape(msg)
  end
  local out = {}
  for i = 1, select("#", ...) do
    out[i] = value((select(i, ...)))
  end
  return "ok " .. select("#", ...) .. ": " .. table.concat(out, ", ")
end

for i, code in ipairs(cases) do
  local f, err = load("return " .. code, "=case", "t")
  if not f then f, err = load(code, "=case", "t") end
  local line
  if not f then
    line = "load error: " .. escape(err)
  else
    line = results(pcall(f))
  end
  emit(escape(code) .. " => " .. line)
end
