-- Golden-output driver for the VM corpus: runs every case of one corpus file as its own chunk, named after the
-- case (load(src, '=name')), and writes the output in the .out format VmCorpusTest reads:
--   lua5.2 run-cases.lua closures.lua > closures.out
-- Each case gets fresh globals holding only what the npflua sandbox offers (base functions, string, table,
-- math, bit32), and a print that behaves like the sandbox's: arguments through the original tostring, joined by
-- tabs, CR and LF turned into spaces, one line per call. An error that escapes a case ends it with a line
-- "!error: <message>" (non-string error objects are described by type, as the sandbox does); a case that does
-- not compile prints "!syntax: <message>".
local path = assert(arg[1], 'usage: lua5.2 run-cases.lua CORPUS.lua')
local f = assert(io.open(path, 'rb'))
local text = f:read('*a')
f:close()

local tostring, write, type = tostring, io.write, type
local base = {'assert', 'error', 'getmetatable', 'ipairs', 'next', 'pairs', 'pcall', 'rawequal', 'rawget',
  'rawlen', 'rawset', 'select', 'setmetatable', 'tonumber', 'tostring', 'type', 'xpcall', 'load'}
local libs = {'string', 'table', 'math', 'bit32'}
local FILTER = '\nfunction filter(pkt) return true end\n'

local function clean(s)
  return (s:gsub('[\r\n]', ' '))
end

local function run(name, src)
  write('-- case: ', name, '\n')
  local env = {}
  for _, k in ipairs(base) do env[k] = _G[k] end
  for _, k in ipairs(libs) do env[k] = _G[k] end
  env._G = env
  env.print = function(...)
    local n = select('#', ...)
    local parts = {}
    for i = 1, n do parts[i] = tostring((select(i, ...))) end
    write(clean(table.concat(parts, '\t')), '\n')
  end
  local chunk, err = load(src .. FILTER, '=' .. name, 't', env)
  if not chunk then
    write('!syntax: ', clean(err), '\n')
    return
  end
  local ok, e = pcall(chunk)
  if not ok then
    if type(e) == 'string' or type(e) == 'number' then
      write('!error: ', clean(tostring(e)), '\n')
    else
      write('!error: (error object is a ', type(e), ' value)\n')
    end
  end
end

local name, lines = nil, {}
local function flush()
  if name then run(name, table.concat(lines, '\n') .. '\n') end
end
for line in (text:gsub('\r\n', '\n') .. (text:sub(-1) == '\n' and '' or '\n')):gmatch('([^\n]*)\n') do
  local n = line:match('^%-%- case: (%S+)%s*$')
  if n then
    flush()
    name, lines = n, {}
  elseif name then
    lines[#lines + 1] = line
  end
end
flush()
