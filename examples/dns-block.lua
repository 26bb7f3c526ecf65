-- dns-block.lua: drops DNS queries for listed names and every name under them.
--
-- A query (QR bit 0) to UDP or TCP port 53 is blocked when one of its question names is a listed name or a
-- subdomain of one: with 'example.com' listed, 'example.com', 'WWW.Example.COM' and 'a.b.example.com' are
-- blocked, 'notexample.com' and 'example.com.net' are not. Comparison is case-insensitive for ASCII letters only,
-- as in DNS (RFC 4343). Responses and everything else pass.
--
-- The question is parsed from the bytes: a 12-byte header (layout), then per name a run of labels, each a
-- length byte (1..63) and that many bytes, ended by a zero byte. Every read is checked against the payload's
-- length and the loops are bounded (a name is at most 255 bytes, at most 8 questions are read).
--
-- Malformed queries PASS (MALFORMED_PASSES below): a label running past the end, a length byte of 64..255, a
-- name over 255 bytes, a header or question cut short. Resolvers answer those with FORMERR and resolve nothing,
-- and odd non-DNS traffic on port 53 is not broken. The one grey case is a compression pointer (0xC0..): legal
-- in principle, but before a query's first question there is only the header to point into, so clients do not
-- use it. Set MALFORMED_PASSES = false to fail closed (for a resolver you do not trust to be strict).
--
-- DNS over TCP: each segment with data is read as the 2-byte length and a message; only its first message is
-- checked, and a query split across segments (rare: queries are small) is judged as malformed.
--
-- Mode: tap or inline (inline enforces; tap counts).
--   sudo npflua run --bridge eth1,eth2 -s examples/dns-block.lua
--   npflua replay day.pcap -s examples/dns-block.lua -w clean.pcap --write-blocked dropped.pcap

local BLOCKED_NAMES = {'example.com', 'ads.example.net', 'tracker.test'}
local MALFORMED_PASSES = true

local data = require 'data'
local DNS_PORT = 53
local MAX_NAME = 255                -- RFC 1035 3.1: a name is at most 255 bytes on the wire
local MAX_QUESTIONS = 8             -- real queries carry one; more is treated as malformed

local blocked = {}
for _, name in ipairs(BLOCKED_NAMES) do blocked[name:lower()] = true end

local header = data.layout{qr = {16, 1}, qdcount = {32, 16}}

-- The name starting at byte `at` (1-based) of `msg`, lowercased and dot-separated ('' for the root),
-- and the position after it; nil when malformed.
local function read_name(msg, at)
  local size = #msg
  local labels, wire = {}, 0
  while wire < MAX_NAME do
    if at > size then return nil end
    local len = msg:byte(at)
    if len == 0 then return table.concat(labels, '.'), at + 1 end
    if len > 63 or at + len > size then return nil end   -- pointer/reserved form, or past the end
    labels[#labels + 1] = msg:sub(at + 1, at + len):lower()   -- ASCII letters only
    wire = wire + len + 1
    at = at + len + 1
  end
  return nil                                             -- longer than 255 bytes
end

-- True when `name` or one of its parent domains is listed.
local function listed(name)
  local from = 1
  while true do
    if blocked[name:sub(from)] then return true end
    local dot = name:find('.', from, true)
    if not dot then return false end
    from = dot + 1
  end
end

-- The verdict for one DNS message held by `msg` (a data object starting at the DNS header).
local function check(msg)
  if #msg < 12 then return MALFORMED_PASSES end
  msg:layout(header)
  if msg.qr == 1 then return true end                    -- a response
  local count = msg.qdcount
  if count > MAX_QUESTIONS then return MALFORMED_PASSES end
  local at = 13
  for _ = 1, count do
    local name, after = read_name(msg, at)
    if not name or after + 3 > #msg then return MALFORMED_PASSES end   -- QTYPE and QCLASS: 4 bytes
    if listed(name) then return false end
    at = after + 4
  end
  return true
end

function filter(pkt)
  local msg
  local udp = pkt:udp()
  if udp then
    if udp.dst_port ~= DNS_PORT then return true end
    msg = pkt:payload()
  else
    local tcp = pkt:tcp()
    if not tcp or tcp.dst_port ~= DNS_PORT then return true end
    msg = pkt:payload()
    if msg and #msg == 0 then return true end            -- handshake, bare ACK
    msg = msg and msg:segment(2)                         -- after the 2-byte length prefix
  end
  if msg == nil then return MALFORMED_PASSES end         -- a length that lies about the frame
  return check(msg)
end
