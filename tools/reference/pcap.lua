-- Minimal classic-pcap reader for the reference runner, in pure Lua 5.4 (string.unpack).
-- Reads the whole file into one string; frames are (string, position, length) so nothing is copied per frame.
-- Both byte orders, microsecond and nanosecond magic. pcapng is refused: convert with `editcap -F pcap IN OUT`.
-- Records are skipped exactly where the engine's PcapReader skips them (captured length 0, above the snap length
-- or above the wire length) and still count in the frame number, so frame numbers match tshark's frame.number.
local pcap = {}

function pcap.open(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('a')
  f:close()
  if #s < 24 then error(path .. ': ' .. #s .. ' bytes, too short for a pcap header', 0) end
  local magic = string.unpack('<I4', s, 1)
  local e, nano
  if magic == 0xa1b2c3d4 then e, nano = '<', false
  elseif magic == 0xa1b23c4d then e, nano = '<', true
  elseif magic == 0xd4c3b2a1 then e, nano = '>', false
  elseif magic == 0x4d3cb2a1 then e, nano = '>', true
  elseif magic == 0x0a0d0d0a then
    error(path .. ': pcapng is not supported by the reference reader; convert with editcap -F pcap', 0)
  else
    error(string.format('%s: not a pcap file (magic 0x%08x)', path, magic), 0)
  end
  local snaplen, linktype = string.unpack(e .. 'I4I4', s, 17)
  return {bytes = s, endian = e, nano = nano, snaplen = snaplen, linktype = linktype & 0xffff, path = path}
end

-- Iterator over records: for n, pos, caplen, wirelen, ts_ns in pcap.records(cap) do ... end
-- The frame is cap.bytes:sub(pos, pos + caplen - 1). Stops at the end or at a truncated last record.
function pcap.records(cap)
  local s, fmt = cap.bytes, cap.endian .. 'I4I4I4I4'
  local mult = cap.nano and 1 or 1000
  local snaplen = cap.snaplen
  local size = #s
  local pos, n = 25, 0
  return function()
    while true do
      if pos + 15 > size then return nil end
      local sec, frac, caplen, wirelen = string.unpack(fmt, s, pos)
      if caplen > 262144 then
        error(string.format('%s: byte offset %d: record captured length %d is absurd', cap.path, pos - 1, caplen), 0)
      end
      local data = pos + 16
      if data + caplen - 1 > size then return nil end
      pos = data + caplen
      n = n + 1
      if caplen > 0 and (snaplen == 0 or caplen <= snaplen) and caplen <= wirelen then
        return n, data, caplen, wirelen, sec * 1000000000 + frac * mult
      end
    end
  end
end

return pcap
