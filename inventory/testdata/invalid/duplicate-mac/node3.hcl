
server "node3" {
  site    = "fra1"
  rack    = "r1"
  u       = 13
  serial  = "SER3"
  address = "10.11.0.23/24"
  roles   = ["dns"]

  psu {
    pdu    = "pdu-a"
    outlet = 3
    watts  = 300
  }
  psu {
    pdu    = "pdu-b"
    outlet = 3
    watts  = 300
  }

  bmc {
    address    = "10.99.0.13"
    credential = "bmc"
  }

  nic "eth0" {
    mac     = "5254.0000.0001" # ERROR: MAC address 52:54:00:00:00:01 is already used by server "node1"
    purpose = "provisioning"
  }

  disk "d0" {
    serial = "SER3-d0"
    size   = "512MiB"
  }
  disk "d1" {
    serial = "SER3-d1"
    size   = "512MiB"
  }

  storage {
    raid_level = 1
    disks      = ["d0", "d1"]
    encryption {
      type = "luks2"
    }
  }
}
