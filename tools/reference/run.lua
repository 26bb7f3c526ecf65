-- Reference runner: the seed's scripts over a pcap with the stock Lua 5.4 interpreter.
-- usage: lua5.4 tools/reference/run.lua SCRIPT.lua FILE.pcap [repeat]
-- stdout: one line per frame, "<frame number> pass|block" (first pass only); frame numbers are tshark's.
-- stderr: frames, repeats and ns per frame over all passes (os.clock, i.e. CPU time of this process; the loop
--         includes walking the records and wrapping each frame, as `npflua replay` does).
-- A script error on a frame counts as pass (the engine's default --on-error) and is reported on stderr.
local dir = arg[0]:match('^(.*)/[^/]*$') or '.'
package.path = dir .. '/?.lua;' .. package.path

local script, file, repeats = arg[1], arg[2], tonumber(arg[3] or '1')
if not script or not file or not repeats or repeats < 1 then
  io.stderr:write('usage: lua5.4 tools/reference/run.lua SCRIPT.lua FILE.pcap [repeat]\n')
  os.exit(2)
end

local pcap = require'pcap'
local data = require'data'

local chunk, err = loadfile(script)
if not chunk then io.stderr:write(err, '\n') os.exit(1) end
chunk()
local entry = filter
if type(entry) ~= 'function' then
  io.stderr:write(script, ': defines no global function filter\n')
  os.exit(1)
end

local ok, cap = pcall(pcap.open, file)
if not ok then io.stderr:write(cap, '\n') os.exit(1) end
if cap.linktype ~= 1 then
  io.stderr:write(file, ': link type ', cap.linktype, ' is not Ethernet (1)\n')
  os.exit(1)
end

local view, bytes, pcall = data.view, cap.bytes, pcall
local numbers, verdicts, errors = {}, {}, 0
local frames = 0
local started = os.clock()
for pass = 1, repeats do
  for n, pos, caplen in pcap.records(cap) do
    local pkt = view(bytes, pos - 1, caplen)
    local fine, verdict = pcall(entry, pkt)
    if not fine then
      errors = errors + 1
      if pass == 1 then io.stderr:write('frame ', n, ': ', tostring(verdict), '\n') end
      verdict = true
    end
    if pass == 1 then
      numbers[#numbers + 1] = n
      verdicts[#verdicts + 1] = verdict and true or false
    end
    frames = frames + 1
  end
end
local elapsed = os.clock() - started

local out = {}
for i = 1, #numbers do out[i] = numbers[i] .. (verdicts[i] and ' pass' or ' block') end
if #out > 0 then io.write(table.concat(out, '\n'), '\n') end
io.stderr:write(string.format('%s: %d frames x %d repeats, %.1f ns/frame (%s, errors %d)\n', file, #numbers,
  repeats, frames > 0 and elapsed * 1e9 / frames or 0, _VERSION, errors))
