-- mss-clamp.lua: clamps the TCP maximum segment size announced in SYN and SYN/ACK segments.
--
-- A TCP option MSS (kind 2, length 4) larger than MAX_MSS is rewritten to MAX_MSS, and the IPv4 header and TCP
-- checksums are recomputed with pkt:checksum(). Use it on a link with a smaller MTU than the hosts think (a
-- tunnel, PPPoE, IPsec) when ICMP "fragmentation needed" does not get through. MSS = path MTU - 40 for IPv4,
-- - 60 for IPv6; one MAX_MSS serves both, so 1360 fits a 1400-byte path for IPv4, and 1340 fits it for IPv6
-- too. Segments without the option, or with an MSS already at or below MAX_MSS, are not touched. Every frame
-- passes.
--
-- The options are walked safely: only inside the header the data offset declares, at most 40 bytes, each
-- option's length checked (>= 2 and inside the header) before it is used; a malformed option list stops the
-- walk and the segment is passed unchanged. IPv4 and IPv6, VLAN tags skipped.
--
-- Mode: inline only (it writes into the frame). In tap mode (run -i, replay) frames are read-only and each SYN
-- with a large MSS ends in the script error "packet data is read-only in tap mode".
--   sudo npflua run --bridge eth1,eth2 -s examples/mss-clamp.lua

local MAX_MSS = 1360

local data = require 'data'
local option = data.layout{kind = {0, 8}, length = {8, 8}, mss = {16, 16}}

function filter(pkt)
  local tcp = pkt:tcp()
  if not tcp or tcp.syn == 0 then return true end
  local header_end = tcp.data_offset * 4       -- 20..60; pkt:tcp() guarantees the header is in the frame
  local at = 20
  while at < header_end do                     -- each turn advances at least one byte: at most 40 turns
    local opt = tcp:segment(at, header_end - at):layout(option)
    local kind = opt.kind
    if kind == 0 then break end                -- end of option list
    if kind == 1 then
      at = at + 1                              -- no-operation (padding)
    else
      local length = opt.length
      if length == nil or length < 2 or at + length > header_end then break end   -- malformed: leave it
      if kind == 2 and length == 4 then
        if opt.mss > MAX_MSS then
          opt.mss = MAX_MSS
          pkt:checksum()
        end
        break
      end
      at = at + length
    end
  end
  return true
end
