-- The seed's SSH filter (examples/ssh-version.lua, loaded unchanged) under a stock interpreter, over the same three
-- frames as the JMH SeedScriptBenchmark: Ethernet + IPv4 + TCP (54 header bytes) carrying
--   banner    "SSH-2.0-OpenSSH_6.4\r\n"                       (blocked)
--   banner40  "SSH-2.0-OpenSSH_9.6p1 Debian-3ubuntu13\r\n"    (passed)
--   plain1400 1400 bytes of "GET /index.html HTTP/1.1\r\n" repeated (passed)
-- The packet object is a table whose __tostring copies the frame out of a larger buffer (string.sub), which is what
-- tostring(pkt) costs in npflua (a copy from the ring into a Lua string).
-- Runs under lua5.4 and luajit (no string.pack needed; LuaJIT 2.1 knows %g/%G).
-- usage: lua5.4 tools/bench/lua/ssh_bench.lua [ITERATIONS] [SCRIPT]   (from the project root)
-- stdout: one JSON object {"interpreter":..., "results":[{"payload":..., "ns_per_frame":..., "verdict":...}]}
local iterations = tonumber(arg[1] or '2000000')
local script = arg[2] or 'examples/ssh-version.lua'

package.preload['data'] = function() return {} end   -- the SSH filter only requires it
local chunk = assert(loadfile(script))
chunk()
local filter = assert(filter, script .. ' defines no global function filter')

local function bytes(...)
  return string.char(...)
end

local function frame(payload)
  local eth = bytes(0x02,0,0,0,0,0x02, 0x02,0,0,0,0,0x01, 0x08,0x00)
  local total = 20 + 20 + #payload
  local ip = bytes(0x45,0, math.floor(total / 256), total % 256, 0,1, 0x40,0, 64,6, 0,0, 198,18,0,1, 198,18,0,2)
  local tcp = bytes(0,22, 0x9c,0x40, 0,0,0,1, 0,0,0,0, 0x50,0x18, 0xff,0xff, 0,0, 0,0)
  return eth .. ip .. tcp .. payload
end

local payloads = {
  {'banner', 'SSH-2.0-OpenSSH_6.4\r\n'},
  {'banner40', 'SSH-2.0-OpenSSH_9.6p1 Debian-3ubuntu13\r\n'},
  {'plain1400', string.sub(string.rep('GET /index.html HTTP/1.1\r\n', 60), 1, 1400)},
}

local mt = {__tostring = function(p) return string.sub(p.buf, p.off + 1, p.off + p.len) end}

local results = {}
for _, pl in ipairs(payloads) do
  local f = frame(pl[2])
  -- the frame sits inside a larger buffer, as a frame sits in a ring block
  local buf = string.rep('\0', 64) .. f .. string.rep('\0', 64)
  local pkt = setmetatable({buf = buf, off = 64, len = #f}, mt)
  local verdict = filter(pkt)
  for _ = 1, math.floor(iterations / 20) do filter(pkt) end       -- warm-up (traces for luajit)
  local t0 = os.clock()
  for _ = 1, iterations do filter(pkt) end
  local t1 = os.clock()
  results[#results + 1] = string.format('{"payload":"%s","frame_bytes":%d,"ns_per_frame":%.1f,"verdict":"%s"}',
    pl[1], #f, (t1 - t0) * 1e9 / iterations, verdict and 'pass' or 'block')
end
local interp = jit and jit.version or _VERSION
print(string.format('{"interpreter":"%s","iterations":%d,"results":[%s]}', interp, iterations,
  table.concat(results, ',')))
