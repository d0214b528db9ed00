# A minimal valid stack: one site, one rack, two feeds, three servers.
site "fra1" {
  region = "eu-central"
  network {
    prefix      = "10.11.0.0/24"
    boot_server = "10.11.0.2"
    boot_url    = "http://10.11.0.2:8080"
  }
}

rack "r1" {
  site   = "fra1"
  height = 42
}

pdu "pdu-a" {
  site       = "fra1"
  rack       = "r1"
  feed       = "A"
  capacity_w = 3680
  outlets    = 8
}

pdu "pdu-b" {
  site       = "fra1"
  rack       = "r1"
  feed       = "B"
  capacity_w = 3680
  outlets    = 8
}

credential "bmc" {
  username = "admin"
  password = "env:BMC_PASSWORD"
}

role "dns" {
  replicas = 3
  spread   = ["pdu"]
}

server "node1" {
  site    = "fra1"
  rack    = "r1"
  u       = 11
  serial  = "SER1"
  address = "10.11.0.21/24"
  roles   = ["dns"]

  psu {
    pdu    = "pdu-a"
    outlet = 1
    watts  = 300
  }
  psu {
    pdu    = "pdu-b"
    outlet = 1
    watts  = 300
  }

  bmc {
    address    = "10.99.0.11"
    credential = "bmc"
  }

  nic "eth0" {
    mac     = "52:54:00:00:00:01"
    purpose = "provisioning"
  }

  disk "d0" {
    serial = "SER1-d0"
    size   = "512MiB"
  }
  disk "d1" {
    serial = "SER1-d1"
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

server "node2" {
  site    = "fra1"
  rack    = "r1"
  u       = 12
  serial  = "SER2"
  address = "10.11.0.22/24"
  roles   = ["dns"]

  psu {
    pdu    = "pdu-a"
    outlet = 2
    watts  = 300
  }
  psu {
    pdu    = "pdu-b"
    outlet = 2
    watts  = 300
  }

  bmc {
    address    = "10.99.0.12"
    credential = "bmc"
  }

  nic "eth0" {
    mac     = "52:54:00:00:00:02"
    purpose = "provisioning"
  }

  disk "d0" {
    serial = "SER2-d0"
    size   = "512MiB"
  }
  disk "d1" {
    serial = "SER2-d1"
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

server "../../escaped" { # ERROR: a server's name is its hostname
  site    = "fra1"
  rack    = "r1"
  u       = 13
  serial  = "SER9"
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
    mac     = "52:54:00:00:00:03"
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
