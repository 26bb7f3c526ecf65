-- Test stand-in for examples/ssh-version.lua: the test rule factory passes the frame as a string.
function filter(pkt)
  return not pkt:find("SSH%-2%.0%-OpenSSH_6%.4")
end
