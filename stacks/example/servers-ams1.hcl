# Servers of ams1. MACs are written as the label on the box or the switch
# shows them (colon, dash, Cisco dotted, bare hex); racksmith normalizes them.

server "ams1-lb1" {
  site    = "ams1"
  rack    = "ams1-r1"
  u       = 2
  height  = 1
  model   = "Supermicro SYS-1019P-WTR"
  serial  = "AMS1001X7919"
  address = "10.120.1.21/22"
  image   = var.default_image
  roles   = ["lb"]

  psu {
    pdu    = "ams1-r1-pdu-a"
    outlet = 1
    watts  = 260
  }
  psu {
    pdu    = "ams1-r1-pdu-b"
    outlet = 1
    watts  = 260
  }

  bmc {
    address    = "10.199.2.11"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:21:01:02"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:21:01:03"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS1001X7919N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS1001X7919N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-web1" {
  site    = "ams1"
  rack    = "ams1-r1"
  u       = 4
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS1002X5838"
  address = "10.120.1.22/22"
  image   = var.default_image
  roles   = ["web"]

  psu {
    pdu    = "ams1-r1-pdu-a"
    outlet = 2
    watts  = 420
  }
  psu {
    pdu    = "ams1-r1-pdu-b"
    outlet = 2
    watts  = 420
  }

  bmc {
    address    = "10.199.2.12"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:21:01:04"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:21:01:05"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS1002X5838N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS1002X5838N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-web2" {
  site    = "ams1"
  rack    = "ams1-r1"
  u       = 6
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS1003X3757"
  address = "10.120.1.23/22"
  image   = var.default_image
  roles   = ["web"]

  psu {
    pdu    = "ams1-r1-pdu-a"
    outlet = 3
    watts  = 420
  }
  psu {
    pdu    = "ams1-r1-pdu-b"
    outlet = 3
    watts  = 420
  }

  bmc {
    address    = "10.199.2.13"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c-c4-7a-21-01-06"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c-c4-7a-21-01-07"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS1003X3757N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS1003X3757N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-mx1" {
  site    = "ams1"
  rack    = "ams1-r1"
  u       = 8
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS1004X1676"
  address = "10.120.1.24/22"
  image   = var.default_image
  roles   = ["mx"]

  psu {
    pdu    = "ams1-r1-pdu-a"
    outlet = 4
    watts  = 380
  }
  psu {
    pdu    = "ams1-r1-pdu-b"
    outlet = 4
    watts  = 380
  }

  bmc {
    address    = "10.199.2.14"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0cc4.7a21.0108"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0cc4.7a21.0109"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS1004X1676N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS1004X1676N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-db-replica1" {
  site    = "ams1"
  rack    = "ams1-r1"
  u       = 10
  height  = 2
  model   = "Dell PowerEdge R750"
  serial  = "AMS1005X9595"
  address = "10.120.1.25/22"
  image   = var.default_image
  roles   = ["db-replica"]

  psu {
    pdu    = "ams1-r1-pdu-a"
    outlet = 5
    watts  = 760
  }
  psu {
    pdu    = "ams1-r1-pdu-b"
    outlet = 5
    watts  = 760
  }

  bmc {
    address    = "10.199.2.15"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0cc47a21010a"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0cc47a21010b"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS1005X9595N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS1005X9595N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }
  disk "nvme2" {
    serial = "S6AMS1005X9595N2"
    path   = "/dev/nvme2n1"
    size   = "3.84TB"
  }
  disk "nvme3" {
    serial = "S6AMS1005X9595N3"
    path   = "/dev/nvme3n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 10
    disks      = ["nvme0", "nvme1", "nvme2", "nvme3"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-dns1" {
  site    = "ams1"
  rack    = "ams1-r1"
  u       = 13
  height  = 1
  model   = "Supermicro SYS-1019P-WTR"
  serial  = "AMS1006X7514"
  address = "10.120.1.26/22"
  image   = var.default_image
  roles   = ["dns"]

  psu {
    pdu    = "ams1-r1-pdu-a"
    outlet = 6
    watts  = 240
  }
  psu {
    pdu    = "ams1-r1-pdu-b"
    outlet = 6
    watts  = 240
  }

  bmc {
    address    = "10.199.2.16"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0C:C4:7A:21:01:0C"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0C:C4:7A:21:01:0D"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS1006X7514N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS1006X7514N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-monitor1" {
  site    = "ams1"
  rack    = "ams1-r1"
  u       = 15
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS1007X5433"
  address = "10.120.1.27/22"
  image   = var.default_image
  roles   = ["monitor"]

  psu {
    pdu    = "ams1-r1-pdu-a"
    outlet = 7
    watts  = 400
  }
  psu {
    pdu    = "ams1-r1-pdu-b"
    outlet = 7
    watts  = 400
  }

  bmc {
    address    = "10.199.2.17"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:21:01:0e"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:21:01:0f"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS1007X5433N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS1007X5433N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-spare1" {
  site    = "ams1"
  rack    = "ams1-r1"
  u       = 17
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS1008X3352"
  address = "10.120.1.28/22"
  image   = var.default_image
  roles   = []

  psu {
    pdu    = "ams1-r1-pdu-a"
    outlet = 8
    watts  = 300
  }
  psu {
    pdu    = "ams1-r1-pdu-b"
    outlet = 8
    watts  = 300
  }

  bmc {
    address    = "10.199.2.18"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:21:01:10"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:21:01:11"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS1008X3352N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS1008X3352N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-lb2" {
  site    = "ams1"
  rack    = "ams1-r2"
  u       = 2
  height  = 1
  model   = "Supermicro SYS-1019P-WTR"
  serial  = "AMS2009X1271"
  address = "10.120.2.29/22"
  image   = var.default_image
  roles   = ["lb"]

  psu {
    pdu    = "ams1-r2-pdu-a"
    outlet = 1
    watts  = 260
  }
  psu {
    pdu    = "ams1-r2-pdu-b"
    outlet = 1
    watts  = 260
  }

  bmc {
    address    = "10.199.2.19"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:21:02:12"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:21:02:13"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS2009X1271N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS2009X1271N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-web3" {
  site    = "ams1"
  rack    = "ams1-r2"
  u       = 4
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS2010X9190"
  address = "10.120.2.30/22"
  image   = var.default_image
  roles   = ["web"]

  psu {
    pdu    = "ams1-r2-pdu-a"
    outlet = 2
    watts  = 420
  }
  psu {
    pdu    = "ams1-r2-pdu-b"
    outlet = 2
    watts  = 420
  }

  bmc {
    address    = "10.199.2.20"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c-c4-7a-21-02-14"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c-c4-7a-21-02-15"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS2010X9190N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS2010X9190N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-web4" {
  site    = "ams1"
  rack    = "ams1-r2"
  u       = 6
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS2011X7109"
  address = "10.120.2.31/22"
  image   = var.default_image
  roles   = ["web"]

  psu {
    pdu    = "ams1-r2-pdu-a"
    outlet = 3
    watts  = 420
  }
  psu {
    pdu    = "ams1-r2-pdu-b"
    outlet = 3
    watts  = 420
  }

  bmc {
    address    = "10.199.2.21"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0cc4.7a21.0216"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0cc4.7a21.0217"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS2011X7109N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS2011X7109N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-mx2" {
  site    = "ams1"
  rack    = "ams1-r2"
  u       = 8
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS2012X5028"
  address = "10.120.2.32/22"
  image   = var.default_image
  roles   = ["mx"]

  psu {
    pdu    = "ams1-r2-pdu-a"
    outlet = 4
    watts  = 380
  }
  psu {
    pdu    = "ams1-r2-pdu-b"
    outlet = 4
    watts  = 380
  }

  bmc {
    address    = "10.199.2.22"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0cc47a210218"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0cc47a210219"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS2012X5028N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS2012X5028N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-db-replica2" {
  site    = "ams1"
  rack    = "ams1-r2"
  u       = 10
  height  = 2
  model   = "Dell PowerEdge R750"
  serial  = "AMS2013X2947"
  address = "10.120.2.33/22"
  image   = var.default_image
  roles   = ["db-replica"]

  psu {
    pdu    = "ams1-r2-pdu-a"
    outlet = 5
    watts  = 760
  }
  psu {
    pdu    = "ams1-r2-pdu-b"
    outlet = 5
    watts  = 760
  }

  bmc {
    address    = "10.199.2.23"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0C:C4:7A:21:02:1A"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0C:C4:7A:21:02:1B"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS2013X2947N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS2013X2947N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }
  disk "nvme2" {
    serial = "S6AMS2013X2947N2"
    path   = "/dev/nvme2n1"
    size   = "3.84TB"
  }
  disk "nvme3" {
    serial = "S6AMS2013X2947N3"
    path   = "/dev/nvme3n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 10
    disks      = ["nvme0", "nvme1", "nvme2", "nvme3"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-dns2" {
  site    = "ams1"
  rack    = "ams1-r2"
  u       = 13
  height  = 1
  model   = "Supermicro SYS-1019P-WTR"
  serial  = "AMS2014X0866"
  address = "10.120.2.34/22"
  image   = var.default_image
  roles   = ["dns"]

  psu {
    pdu    = "ams1-r2-pdu-a"
    outlet = 6
    watts  = 240
  }
  psu {
    pdu    = "ams1-r2-pdu-b"
    outlet = 6
    watts  = 240
  }

  bmc {
    address    = "10.199.2.24"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:21:02:1c"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:21:02:1d"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS2014X0866N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS2014X0866N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-spare2" {
  site    = "ams1"
  rack    = "ams1-r2"
  u       = 15
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS2015X8785"
  address = "10.120.2.35/22"
  image   = var.default_image
  roles   = []

  psu {
    pdu    = "ams1-r2-pdu-a"
    outlet = 7
    watts  = 300
  }
  psu {
    pdu    = "ams1-r2-pdu-b"
    outlet = 7
    watts  = 300
  }

  bmc {
    address    = "10.199.2.25"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:21:02:1e"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:21:02:1f"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS2015X8785N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS2015X8785N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-web5" {
  site    = "ams1"
  rack    = "ams1-r3"
  u       = 2
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS3016X6704"
  address = "10.120.3.36/22"
  image   = var.default_image
  roles   = ["web"]

  psu {
    pdu    = "ams1-r3-pdu-a"
    outlet = 1
    watts  = 420
  }
  psu {
    pdu    = "ams1-r3-pdu-b"
    outlet = 1
    watts  = 420
  }

  bmc {
    address    = "10.199.2.26"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:21:03:20"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:21:03:21"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS3016X6704N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS3016X6704N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-mx3" {
  site    = "ams1"
  rack    = "ams1-r3"
  u       = 4
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS3017X4623"
  address = "10.120.3.37/22"
  image   = var.default_image
  roles   = ["mx"]

  psu {
    pdu    = "ams1-r3-pdu-a"
    outlet = 2
    watts  = 380
  }
  psu {
    pdu    = "ams1-r3-pdu-b"
    outlet = 2
    watts  = 380
  }

  bmc {
    address    = "10.199.2.27"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c-c4-7a-21-03-22"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c-c4-7a-21-03-23"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS3017X4623N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS3017X4623N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-monitor2" {
  site    = "ams1"
  rack    = "ams1-r3"
  u       = 6
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS3018X2542"
  address = "10.120.3.38/22"
  image   = var.default_image
  roles   = ["monitor"]

  psu {
    pdu    = "ams1-r3-pdu-a"
    outlet = 3
    watts  = 400
  }
  psu {
    pdu    = "ams1-r3-pdu-b"
    outlet = 3
    watts  = 400
  }

  bmc {
    address    = "10.199.2.28"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0cc4.7a21.0324"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0cc4.7a21.0325"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS3018X2542N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS3018X2542N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-spare3" {
  site    = "ams1"
  rack    = "ams1-r3"
  u       = 8
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS3019X0461"
  address = "10.120.3.39/22"
  image   = var.default_image
  roles   = []

  psu {
    pdu    = "ams1-r3-pdu-a"
    outlet = 4
    watts  = 300
  }
  psu {
    pdu    = "ams1-r3-pdu-b"
    outlet = 4
    watts  = 300
  }

  bmc {
    address    = "10.199.2.29"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0cc47a210326"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0cc47a210327"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS3019X0461N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS3019X0461N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-spare4" {
  site    = "ams1"
  rack    = "ams1-r3"
  u       = 10
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS3020X8380"
  address = "10.120.3.40/22"
  image   = var.default_image
  roles   = []

  psu {
    pdu    = "ams1-r3-pdu-a"
    outlet = 5
    watts  = 300
  }
  psu {
    pdu    = "ams1-r3-pdu-b"
    outlet = 5
    watts  = 300
  }

  bmc {
    address    = "10.199.2.30"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0C:C4:7A:21:03:28"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0C:C4:7A:21:03:29"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS3020X8380N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS3020X8380N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-spare5" {
  site    = "ams1"
  rack    = "ams1-r3"
  u       = 12
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS3021X6299"
  address = "10.120.3.41/22"
  image   = var.default_image
  roles   = []

  psu {
    pdu    = "ams1-r3-pdu-a"
    outlet = 6
    watts  = 300
  }
  psu {
    pdu    = "ams1-r3-pdu-b"
    outlet = 6
    watts  = 300
  }

  bmc {
    address    = "10.199.2.31"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:21:03:2a"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:21:03:2b"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS3021X6299N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS3021X6299N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}

server "ams1-spare6" {
  site    = "ams1"
  rack    = "ams1-r3"
  u       = 14
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "AMS3022X4218"
  address = "10.120.3.42/22"
  image   = var.default_image
  roles   = []

  psu {
    pdu    = "ams1-r3-pdu-a"
    outlet = 7
    watts  = 300
  }
  psu {
    pdu    = "ams1-r3-pdu-b"
    outlet = 7
    watts  = 300
  }

  bmc {
    address    = "10.199.2.32"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:21:03:2c"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:21:03:2d"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6AMS3022X4218N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6AMS3022X4218N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 1
    disks      = ["nvme0", "nvme1"]

    encryption {
      type       = "luks2"
      key_source = "bootserver"
    }
  }
}
