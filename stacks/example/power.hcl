# Rack PDUs, 32 A at 230 V, one per feed in every rack. Every server has one
# PSU on each feed so that it survives the loss of either.

locals {
  pdu_amps  = 32
  pdu_volts = 230
}

pdu "fra1-r1-pdu-a" {
  site    = "fra1"
  rack    = "fra1-r1"
  feed    = "A"
  amps    = local.pdu_amps
  volts   = local.pdu_volts
  outlets = 24
}

pdu "fra1-r1-pdu-b" {
  site    = "fra1"
  rack    = "fra1-r1"
  feed    = "B"
  amps    = local.pdu_amps
  volts   = local.pdu_volts
  outlets = 24
}

pdu "fra1-r2-pdu-a" {
  site    = "fra1"
  rack    = "fra1-r2"
  feed    = "A"
  amps    = local.pdu_amps
  volts   = local.pdu_volts
  outlets = 24
}

pdu "fra1-r2-pdu-b" {
  site    = "fra1"
  rack    = "fra1-r2"
  feed    = "B"
  amps    = local.pdu_amps
  volts   = local.pdu_volts
  outlets = 24
}

pdu "fra1-r3-pdu-a" {
  site    = "fra1"
  rack    = "fra1-r3"
  feed    = "A"
  amps    = local.pdu_amps
  volts   = local.pdu_volts
  outlets = 24
}

pdu "fra1-r3-pdu-b" {
  site    = "fra1"
  rack    = "fra1-r3"
  feed    = "B"
  amps    = local.pdu_amps
  volts   = local.pdu_volts
  outlets = 24
}

pdu "ams1-r1-pdu-a" {
  site    = "ams1"
  rack    = "ams1-r1"
  feed    = "A"
  amps    = local.pdu_amps
  volts   = local.pdu_volts
  outlets = 24
}

pdu "ams1-r1-pdu-b" {
  site    = "ams1"
  rack    = "ams1-r1"
  feed    = "B"
  amps    = local.pdu_amps
  volts   = local.pdu_volts
  outlets = 24
}

pdu "ams1-r2-pdu-a" {
  site    = "ams1"
  rack    = "ams1-r2"
  feed    = "A"
  amps    = local.pdu_amps
  volts   = local.pdu_volts
  outlets = 24
}

pdu "ams1-r2-pdu-b" {
  site    = "ams1"
  rack    = "ams1-r2"
  feed    = "B"
  amps    = local.pdu_amps
  volts   = local.pdu_volts
  outlets = 24
}

pdu "ams1-r3-pdu-a" {
  site    = "ams1"
  rack    = "ams1-r3"
  feed    = "A"
  amps    = local.pdu_amps
  volts   = local.pdu_volts
  outlets = 24
}

pdu "ams1-r3-pdu-b" {
  site    = "ams1"
  rack    = "ams1-r3"
  feed    = "B"
  amps    = local.pdu_amps
  volts   = local.pdu_volts
  outlets = 24
}
