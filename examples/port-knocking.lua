-- port-knocking.lua: SSH (TCP port 22) only for sources that knocked first.
--
-- A source that sends TCP SYNs to ports 7000, 8000 and 9000, in that order, within 10 seconds of the first
-- knock may then open connections to port 22. Until then every TCP segment to port 22 is blocked. A knock out of
-- order resets the source; a repeated knock (a retransmitted SYN) is ignored; a sequence not finished within
-- the window expires. Knocks themselves pass (the host answers them as usual), and so does all other traffic,
-- including the server's replies from port 22. IPv4 and IPv6; VLAN tags are skipped by pkt:ip().
--
-- State lives in two `shared` tables, so it is the same for every worker: with PACKET_FANOUT the three knocks
-- of one source (three different flows) usually land on different workers. The 10 s window is the TTL of the
-- source's entry, fixed at the first knock (incr keeps the expiry). Once open, a source stays open while it
-- keeps talking to port 22, and closes after OPEN_IDLE seconds of silence. Knocks of one source arriving on two
-- workers within the same microsecond may race; real knock clients space them out.
--
-- With flows (the default), decisions hold for whole connections: a connection to port 22 from a source that had
-- not knocked is blocked with all its later frames (retransmitted SYNs included) without calling the script again,
-- and one that was let in is passed: the engine stops calling this script for it. An open source therefore stays
-- open for OPEN_IDLE seconds after its last new connection to port 22; connections already let in go on. Without
-- flows (--no-flows) every segment to port 22 is judged alone, as before.
--
-- Mode: tap or inline. Tap mode only counts what would be blocked; inline (--bridge) enforces it. The window
-- runs on capture time: live, the clock; in `npflua replay`, the capture's own timestamps.
--   sudo npflua run --bridge eth1,eth2 -s examples/port-knocking.lua --workers 2
--   npflua replay capture.pcap -s examples/port-knocking.lua --write-blocked refused.pcap
-- Knock from a client with e.g.: for p in 7000 8000 9000; do nc -z -w1 SERVER $p; done; ssh SERVER

local KNOCKS = {7000, 8000, 9000}   -- the sequence, in order
local PROTECTED_PORT = 22
local WINDOW = 10                   -- seconds from the first knock to the last
local OPEN_IDLE = 300               -- seconds an opened source stays open without traffic to port 22

local STEP_OF = {}                  -- port -> its position in the sequence
for i, port in ipairs(KNOCKS) do STEP_OF[port] = i end

local progress = shared.table('port-knocking.progress', {ttl = WINDOW})   -- source -> knocks done so far
local opened = shared.table('port-knocking.open', {ttl = OPEN_IDLE})      -- source -> true

function filter(pkt)
  local tcp = pkt:tcp()
  if not tcp then return true end
  local ip = pkt:ip()
  local src = ip.version == 4 and ip.src_bytes or ip.src          -- 4 or 16 raw bytes: the table key
  local flow = pkt:flow()

  if tcp.dst_port == PROTECTED_PORT then
    if opened[src] then
      opened[src] = true                                           -- refreshes the idle timer
      if flow then flow:pass() end                                 -- let the whole connection go
      return true
    end
    if flow then flow:block('no knock') end                        -- refuse the whole connection
    return false
  end

  local step = STEP_OF[tcp.dst_port]
  if step and tcp.syn == 1 and tcp.ack == 0 then
    local done = progress[src] or 0
    if step == 1 then
      progress:set(src, 1)                                         -- (re)start; the window starts now
    elseif step == done + 1 then
      progress:incr(src)                                           -- keeps the first knock's expiry
      if step == #KNOCKS then
        progress:delete(src)
        opened[src] = true
      end
    elseif step ~= done then
      progress:delete(src)                                         -- out of order: start again
    end
  end
  return true
end
