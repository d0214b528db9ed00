# Two feeds per site: every lab server has one PSU on each.

pdu "fra1-pdu-a" {
  site    = "fra1"
  rack    = "fra1-r1"
  feed    = "A"
  amps    = 16
  volts   = 230
  outlets = 24
}

pdu "fra1-pdu-b" {
  site    = "fra1"
  rack    = "fra1-r1"
  feed    = "B"
  amps    = 16
  volts   = 230
  outlets = 24
}

pdu "ams1-pdu-a" {
  site       = "ams1"
  rack       = "ams1-r1"
  feed       = "A"
  capacity_w = 3680
  outlets    = 24
}

pdu "ams1-pdu-b" {
  site       = "ams1"
  rack       = "ams1-r1"
  feed       = "B"
  capacity_w = 3680
  outlets    = 24
}
