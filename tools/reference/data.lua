-- A minimal pure-Lua 5.4 stand-in for npflua's `data` module: just enough for the seed scripts, to compute
-- reference verdicts with the stock interpreter. Not the engine's implementation; semantics follow
-- docs/lua-api.md where the seed scripts touch them:
--   tostring(d)        the bytes of the view
--   #d                 its length
--   data.layout(t)     compiles {offset, length [, type [, endian]]} or {offset=, length=, type=, endian=} entries;
--                      numbers in bits, MSB-first (bit 0 = top bit of byte 0), big-endian; strings in bytes
--   d:layout(l)        applies a layout, returns d; d.field reads it (nil when any part lies outside the view)
--   d:segment([o [, n]]) a sub-view
--   pkt:eth() pkt:ip() pkt:tcp() pkt:udp() pkt:payload()   Ethernet (+802.1Q/802.1ad tags), IPv4/IPv6, TCP/UDP;
--                      each a view or nil; payload() is the TCP or UDP payload, nil when empty or absent.
local data = {}
local methods = {}
local mt = {}

-- Raw keys with odd names so that layout fields never collide with them.
local function view(s, off, len)
  return setmetatable({_s = s, _o = off, _n = len}, mt)
end

-- view(string, zero-based offset, length): used by run.lua to wrap a frame of the capture without copying it.
data.view = view

function data.new(s)
  if type(s) ~= 'string' or #s == 0 then return nil end
  return view(s, 0, #s)
end

local function field(entry)
  local f = {}
  if entry[1] ~= nil then
    f.offset, f.length, f.type, f.endian = entry[1], entry[2], entry[3], entry[4]
  else
    f.offset, f.length, f.type, f.endian = entry.offset, entry.length, entry.type, entry.endian
  end
  f.type = f.type or 'number'
  f.little = (f.endian == 'l' or f.endian == 'little' or f.endian == 'h' or f.endian == 'host')
  return f
end

function data.layout(t)
  local compiled = {}
  for k, v in pairs(t) do compiled[k] = field(v) end
  -- Compile in place, as luadata does, and return the same table.
  for k in pairs(t) do t[k] = nil end
  for k, v in pairs(compiled) do t[k] = v end
  return t
end

local function read(d, f)
  local s, base, n = d._s, d._o, d._n
  if f.type == 'string' then
    if f.offset < 0 or f.offset + f.length > n then return nil end
    return s:sub(base + f.offset + 1, base + f.offset + f.length)
  end
  local o, w = f.offset, f.length
  if o < 0 or w < 1 or w > 64 or o + w > n * 8 then return nil end
  local first, last = o // 8, (o + w - 1) // 8
  if last - first >= 8 then error('reference data.lua: fields spanning 9 bytes are not supported') end
  local v = 0
  if f.little and o % 8 == 0 and w % 8 == 0 then
    for i = last, first, -1 do v = (v << 8) | s:byte(base + i + 1) end
    return v
  end
  for i = first, last do v = (v << 8) | s:byte(base + i + 1) end
  v = v >> ((last + 1) * 8 - (o + w))
  if w < 64 then v = v & ((1 << w) - 1) end
  return v
end

mt.__index = function(d, k)
  local m = methods[k]
  if m then return m end
  local lay = rawget(d, '_l')
  local f = lay and lay[k]
  if f then return read(d, f) end
  return nil
end
mt.__len = function(d) return d._n end
mt.__tostring = function(d) return d._s:sub(d._o + 1, d._o + d._n) end

function methods.layout(d, l)
  rawset(d, '_l', l)
  return d
end

function methods.segment(d, o, n)
  o = o or 0
  n = n or (d._n - o)
  if o < 0 or n < 0 or o + n > d._n then return nil end
  return view(d._s, d._o + o, n)
end

-- Locates the headers: returns l3 offset, ip version, l4 offset, l4 protocol, end of the IP packet (all relative
-- to the view), or nil when the frame is not Ethernet + IPv4/IPv6 or is too short.
local function locate(d)
  local s, base, n = d._s, d._o, d._n
  local function u8(i) return s:byte(base + i + 1) end
  local function u16(i) return (s:byte(base + i + 1) << 8) | s:byte(base + i + 2) end
  if n < 14 then return nil end
  local at, ethertype = 12, u16(12)
  while (ethertype == 0x8100 or ethertype == 0x88a8) and at + 6 <= n do
    at = at + 4
    ethertype = u16(at)
  end
  local l3 = at + 2
  if ethertype == 0x0800 then
    if l3 + 20 > n or u8(l3) >> 4 ~= 4 then return nil end
    local ihl = (u8(l3) & 15) * 4
    local total = u16(l3 + 2)
    if ihl < 20 or total < ihl then return nil end
    local ipend = math.min(l3 + total, n)
    if l3 + ihl > ipend then return nil end
    if u16(l3 + 6) & 0x1fff ~= 0 then return l3, 4, nil, nil, ipend end   -- later fragment: no L4 header
    return l3, 4, l3 + ihl, u8(l3 + 9), ipend
  elseif ethertype == 0x86dd then
    if l3 + 40 > n or u8(l3) >> 4 ~= 6 then return nil end
    local ipend = math.min(l3 + 40 + u16(l3 + 4), n)
    local l4, nh = l3 + 40, u8(l3 + 6)
    while nh == 0 or nh == 43 or nh == 60 or nh == 44 do
      if l4 + 8 > ipend then return l3, 6, nil, nil, ipend end
      if nh == 44 then
        if u16(l4 + 2) & 0xfff8 ~= 0 then return l3, 6, nil, nil, ipend end
        nh, l4 = u8(l4), l4 + 8
      else
        nh, l4 = u8(l4), l4 + (u8(l4 + 1) + 1) * 8
      end
    end
    return l3, 6, l4, nh, ipend
  end
  return nil
end

function methods.eth(d)
  if d._n < 14 then return nil end
  return view(d._s, d._o, 14)
end

function methods.ip(d)
  local l3, _, _, _, ipend = locate(d)
  if not l3 then return nil end
  return view(d._s, d._o + l3, ipend - l3)
end

function methods.udp(d)
  local _, _, l4, proto, ipend = locate(d)
  if not l4 or proto ~= 17 or l4 + 8 > ipend then return nil end
  return view(d._s, d._o + l4, 8)
end

function methods.tcp(d)
  local _, _, l4, proto, ipend = locate(d)
  if not l4 or proto ~= 6 or l4 + 20 > ipend then return nil end
  local doff = (d._s:byte(d._o + l4 + 13) >> 4) * 4
  if doff < 20 or l4 + doff > ipend then return nil end
  return view(d._s, d._o + l4, doff)
end

function methods.payload(d)
  local _, _, l4, proto, ipend = locate(d)
  if not l4 then return nil end
  local start, stop
  if proto == 17 then
    if l4 + 8 > ipend then return nil end
    local ulen = (d._s:byte(d._o + l4 + 5) << 8) | d._s:byte(d._o + l4 + 6)
    start, stop = l4 + 8, ipend
    if ulen >= 8 and l4 + ulen <= ipend then stop = l4 + ulen end
  elseif proto == 6 then
    if l4 + 20 > ipend then return nil end
    local doff = (d._s:byte(d._o + l4 + 13) >> 4) * 4
    if doff < 20 or l4 + doff > ipend then return nil end
    start, stop = l4 + doff, ipend
  else
    return nil
  end
  if stop <= start then return nil end
  return view(d._s, d._o + start, stop - start)
end

return data
