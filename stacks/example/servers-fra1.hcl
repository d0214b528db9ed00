# Servers of fra1. MACs are written as the label on the box or the switch
# shows them (colon, dash, Cisco dotted, bare hex); racksmith normalizes them.

server "fra1-lb1" {
  site    = "fra1"
  rack    = "fra1-r1"
  u       = 2
  height  = 1
  model   = "Supermicro SYS-1019P-WTR"
  serial  = "FRA1001X7919"
  address = "10.110.1.21/22"
  image   = var.default_image
  roles   = ["lb"]

  psu {
    pdu    = "fra1-r1-pdu-a"
    outlet = 1
    watts  = 260
  }
  psu {
    pdu    = "fra1-r1-pdu-b"
    outlet = 1
    watts  = 260
  }

  bmc {
    address    = "10.199.1.11"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:11:01:02"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:11:01:03"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA1001X7919N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA1001X7919N1"
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

server "fra1-web1" {
  site    = "fra1"
  rack    = "fra1-r1"
  u       = 4
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA1002X5838"
  address = "10.110.1.22/22"
  image   = var.default_image
  roles   = ["web"]

  psu {
    pdu    = "fra1-r1-pdu-a"
    outlet = 2
    watts  = 420
  }
  psu {
    pdu    = "fra1-r1-pdu-b"
    outlet = 2
    watts  = 420
  }

  bmc {
    address    = "10.199.1.12"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:11:01:04"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:11:01:05"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA1002X5838N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA1002X5838N1"
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

server "fra1-web2" {
  site    = "fra1"
  rack    = "fra1-r1"
  u       = 6
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA1003X3757"
  address = "10.110.1.23/22"
  image   = var.default_image
  roles   = ["web"]

  psu {
    pdu    = "fra1-r1-pdu-a"
    outlet = 3
    watts  = 420
  }
  psu {
    pdu    = "fra1-r1-pdu-b"
    outlet = 3
    watts  = 420
  }

  bmc {
    address    = "10.199.1.13"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c-c4-7a-11-01-06"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c-c4-7a-11-01-07"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA1003X3757N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA1003X3757N1"
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

server "fra1-mx1" {
  site    = "fra1"
  rack    = "fra1-r1"
  u       = 8
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA1004X1676"
  address = "10.110.1.24/22"
  image   = var.default_image
  roles   = ["mx"]

  psu {
    pdu    = "fra1-r1-pdu-a"
    outlet = 4
    watts  = 380
  }
  psu {
    pdu    = "fra1-r1-pdu-b"
    outlet = 4
    watts  = 380
  }

  bmc {
    address    = "10.199.1.14"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0cc4.7a11.0108"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0cc4.7a11.0109"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA1004X1676N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA1004X1676N1"
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

server "fra1-db1" {
  site    = "fra1"
  rack    = "fra1-r1"
  u       = 10
  height  = 2
  model   = "Dell PowerEdge R750"
  serial  = "FRA1005X9595"
  address = "10.110.1.25/22"
  image   = var.default_image
  roles   = ["db"]

  psu {
    pdu    = "fra1-r1-pdu-a"
    outlet = 5
    watts  = 780
  }
  psu {
    pdu    = "fra1-r1-pdu-b"
    outlet = 5
    watts  = 780
  }

  bmc {
    address    = "10.199.1.15"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0cc47a11010a"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0cc47a11010b"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA1005X9595N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA1005X9595N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }
  disk "nvme2" {
    serial = "S6FRA1005X9595N2"
    path   = "/dev/nvme2n1"
    size   = "3.84TB"
  }
  disk "nvme3" {
    serial = "S6FRA1005X9595N3"
    path   = "/dev/nvme3n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 10
    disks      = ["nvme0", "nvme1", "nvme2", "nvme3"]

    encryption {
      type            = "luks2"
      key_source      = "tang"
      tang            = ["http://tang1.fra1.example.net", "http://tang2.fra1.example.net"]
      recovery_escrow = "pulumi"
    }
  }
}

server "fra1-dns1" {
  site    = "fra1"
  rack    = "fra1-r1"
  u       = 13
  height  = 1
  model   = "Supermicro SYS-1019P-WTR"
  serial  = "FRA1006X7514"
  address = "10.110.1.26/22"
  image   = var.default_image
  roles   = ["dns"]

  psu {
    pdu    = "fra1-r1-pdu-a"
    outlet = 6
    watts  = 240
  }
  psu {
    pdu    = "fra1-r1-pdu-b"
    outlet = 6
    watts  = 240
  }

  bmc {
    address    = "10.199.1.16"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0C:C4:7A:11:01:0C"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0C:C4:7A:11:01:0D"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA1006X7514N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA1006X7514N1"
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

server "fra1-monitor1" {
  site    = "fra1"
  rack    = "fra1-r1"
  u       = 15
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA1007X5433"
  address = "10.110.1.27/22"
  image   = var.default_image
  roles   = ["monitor"]

  psu {
    pdu    = "fra1-r1-pdu-a"
    outlet = 7
    watts  = 400
  }
  psu {
    pdu    = "fra1-r1-pdu-b"
    outlet = 7
    watts  = 400
  }

  bmc {
    address    = "10.199.1.17"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:11:01:0e"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:11:01:0f"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA1007X5433N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA1007X5433N1"
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

server "fra1-spare1" {
  site    = "fra1"
  rack    = "fra1-r1"
  u       = 17
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA1008X3352"
  address = "10.110.1.28/22"
  image   = var.default_image
  roles   = []

  psu {
    pdu    = "fra1-r1-pdu-a"
    outlet = 8
    watts  = 300
  }
  psu {
    pdu    = "fra1-r1-pdu-b"
    outlet = 8
    watts  = 300
  }

  bmc {
    address    = "10.199.1.18"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:11:01:10"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:11:01:11"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA1008X3352N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA1008X3352N1"
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

server "fra1-lb2" {
  site    = "fra1"
  rack    = "fra1-r2"
  u       = 2
  height  = 1
  model   = "Supermicro SYS-1019P-WTR"
  serial  = "FRA2009X1271"
  address = "10.110.2.29/22"
  image   = var.default_image
  roles   = ["lb"]

  psu {
    pdu    = "fra1-r2-pdu-a"
    outlet = 1
    watts  = 260
  }
  psu {
    pdu    = "fra1-r2-pdu-b"
    outlet = 1
    watts  = 260
  }

  bmc {
    address    = "10.199.1.19"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:11:02:12"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:11:02:13"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA2009X1271N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA2009X1271N1"
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

server "fra1-web3" {
  site    = "fra1"
  rack    = "fra1-r2"
  u       = 4
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA2010X9190"
  address = "10.110.2.30/22"
  image   = var.default_image
  roles   = ["web"]

  psu {
    pdu    = "fra1-r2-pdu-a"
    outlet = 2
    watts  = 420
  }
  psu {
    pdu    = "fra1-r2-pdu-b"
    outlet = 2
    watts  = 420
  }

  bmc {
    address    = "10.199.1.20"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c-c4-7a-11-02-14"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c-c4-7a-11-02-15"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA2010X9190N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA2010X9190N1"
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

server "fra1-web4" {
  site    = "fra1"
  rack    = "fra1-r2"
  u       = 6
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA2011X7109"
  address = "10.110.2.31/22"
  image   = var.default_image
  roles   = ["web"]

  psu {
    pdu    = "fra1-r2-pdu-a"
    outlet = 3
    watts  = 420
  }
  psu {
    pdu    = "fra1-r2-pdu-b"
    outlet = 3
    watts  = 420
  }

  bmc {
    address    = "10.199.1.21"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0cc4.7a11.0216"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0cc4.7a11.0217"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA2011X7109N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA2011X7109N1"
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

server "fra1-mx2" {
  site    = "fra1"
  rack    = "fra1-r2"
  u       = 8
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA2012X5028"
  address = "10.110.2.32/22"
  image   = var.default_image
  roles   = ["mx"]

  psu {
    pdu    = "fra1-r2-pdu-a"
    outlet = 4
    watts  = 380
  }
  psu {
    pdu    = "fra1-r2-pdu-b"
    outlet = 4
    watts  = 380
  }

  bmc {
    address    = "10.199.1.22"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0cc47a110218"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0cc47a110219"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA2012X5028N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA2012X5028N1"
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

server "fra1-db2" {
  site    = "fra1"
  rack    = "fra1-r2"
  u       = 10
  height  = 2
  model   = "Dell PowerEdge R750"
  serial  = "FRA2013X2947"
  address = "10.110.2.33/22"
  image   = var.default_image
  roles   = ["db"]

  psu {
    pdu    = "fra1-r2-pdu-a"
    outlet = 5
    watts  = 780
  }
  psu {
    pdu    = "fra1-r2-pdu-b"
    outlet = 5
    watts  = 780
  }

  bmc {
    address    = "10.199.1.23"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0C:C4:7A:11:02:1A"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0C:C4:7A:11:02:1B"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA2013X2947N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA2013X2947N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }
  disk "nvme2" {
    serial = "S6FRA2013X2947N2"
    path   = "/dev/nvme2n1"
    size   = "3.84TB"
  }
  disk "nvme3" {
    serial = "S6FRA2013X2947N3"
    path   = "/dev/nvme3n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 10
    disks      = ["nvme0", "nvme1", "nvme2", "nvme3"]

    encryption {
      type            = "luks2"
      key_source      = "tang"
      tang            = ["http://tang1.fra1.example.net", "http://tang2.fra1.example.net"]
      recovery_escrow = "pulumi"
    }
  }
}

server "fra1-dns2" {
  site    = "fra1"
  rack    = "fra1-r2"
  u       = 13
  height  = 1
  model   = "Supermicro SYS-1019P-WTR"
  serial  = "FRA2014X0866"
  address = "10.110.2.34/22"
  image   = var.default_image
  roles   = ["dns"]

  psu {
    pdu    = "fra1-r2-pdu-a"
    outlet = 6
    watts  = 240
  }
  psu {
    pdu    = "fra1-r2-pdu-b"
    outlet = 6
    watts  = 240
  }

  bmc {
    address    = "10.199.1.24"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:11:02:1c"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:11:02:1d"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA2014X0866N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA2014X0866N1"
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

server "fra1-spare2" {
  site    = "fra1"
  rack    = "fra1-r2"
  u       = 15
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA2015X8785"
  address = "10.110.2.35/22"
  image   = var.default_image
  roles   = []

  psu {
    pdu    = "fra1-r2-pdu-a"
    outlet = 7
    watts  = 300
  }
  psu {
    pdu    = "fra1-r2-pdu-b"
    outlet = 7
    watts  = 300
  }

  bmc {
    address    = "10.199.1.25"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:11:02:1e"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:11:02:1f"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA2015X8785N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA2015X8785N1"
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

server "fra1-web5" {
  site    = "fra1"
  rack    = "fra1-r3"
  u       = 2
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA3016X6704"
  address = "10.110.3.36/22"
  image   = var.default_image
  roles   = ["web"]

  psu {
    pdu    = "fra1-r3-pdu-a"
    outlet = 1
    watts  = 420
  }
  psu {
    pdu    = "fra1-r3-pdu-b"
    outlet = 1
    watts  = 420
  }

  bmc {
    address    = "10.199.1.26"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:11:03:20"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:11:03:21"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA3016X6704N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA3016X6704N1"
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

server "fra1-mx3" {
  site    = "fra1"
  rack    = "fra1-r3"
  u       = 4
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA3017X4623"
  address = "10.110.3.37/22"
  image   = var.default_image
  roles   = ["mx"]

  psu {
    pdu    = "fra1-r3-pdu-a"
    outlet = 2
    watts  = 380
  }
  psu {
    pdu    = "fra1-r3-pdu-b"
    outlet = 2
    watts  = 380
  }

  bmc {
    address    = "10.199.1.27"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c-c4-7a-11-03-22"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c-c4-7a-11-03-23"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA3017X4623N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA3017X4623N1"
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

server "fra1-db3" {
  site    = "fra1"
  rack    = "fra1-r3"
  u       = 6
  height  = 2
  model   = "Dell PowerEdge R750"
  serial  = "FRA3018X2542"
  address = "10.110.3.38/22"
  image   = var.default_image
  roles   = ["db"]

  psu {
    pdu    = "fra1-r3-pdu-a"
    outlet = 3
    watts  = 780
  }
  psu {
    pdu    = "fra1-r3-pdu-b"
    outlet = 3
    watts  = 780
  }

  bmc {
    address    = "10.199.1.28"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0cc4.7a11.0324"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0cc4.7a11.0325"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA3018X2542N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA3018X2542N1"
    path   = "/dev/nvme1n1"
    size   = "3.84TB"
  }
  disk "nvme2" {
    serial = "S6FRA3018X2542N2"
    path   = "/dev/nvme2n1"
    size   = "3.84TB"
  }
  disk "nvme3" {
    serial = "S6FRA3018X2542N3"
    path   = "/dev/nvme3n1"
    size   = "3.84TB"
  }

  storage {
    raid_level = 10
    disks      = ["nvme0", "nvme1", "nvme2", "nvme3"]

    encryption {
      type            = "luks2"
      key_source      = "tang"
      tang            = ["http://tang1.fra1.example.net", "http://tang2.fra1.example.net"]
      recovery_escrow = "pulumi"
    }
  }
}

server "fra1-monitor2" {
  site    = "fra1"
  rack    = "fra1-r3"
  u       = 9
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA3019X0461"
  address = "10.110.3.39/22"
  image   = var.default_image
  roles   = ["monitor"]

  psu {
    pdu    = "fra1-r3-pdu-a"
    outlet = 4
    watts  = 400
  }
  psu {
    pdu    = "fra1-r3-pdu-b"
    outlet = 4
    watts  = 400
  }

  bmc {
    address    = "10.199.1.29"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0cc47a110326"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0cc47a110327"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA3019X0461N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA3019X0461N1"
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

server "fra1-spare3" {
  site    = "fra1"
  rack    = "fra1-r3"
  u       = 11
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA3020X8380"
  address = "10.110.3.40/22"
  image   = var.default_image
  roles   = []

  psu {
    pdu    = "fra1-r3-pdu-a"
    outlet = 5
    watts  = 300
  }
  psu {
    pdu    = "fra1-r3-pdu-b"
    outlet = 5
    watts  = 300
  }

  bmc {
    address    = "10.199.1.30"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0C:C4:7A:11:03:28"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0C:C4:7A:11:03:29"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA3020X8380N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA3020X8380N1"
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

server "fra1-spare4" {
  site    = "fra1"
  rack    = "fra1-r3"
  u       = 13
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA3021X6299"
  address = "10.110.3.41/22"
  image   = var.default_image
  roles   = []

  psu {
    pdu    = "fra1-r3-pdu-a"
    outlet = 6
    watts  = 300
  }
  psu {
    pdu    = "fra1-r3-pdu-b"
    outlet = 6
    watts  = 300
  }

  bmc {
    address    = "10.199.1.31"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:11:03:2a"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:11:03:2b"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA3021X6299N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA3021X6299N1"
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

server "fra1-spare5" {
  site    = "fra1"
  rack    = "fra1-r3"
  u       = 15
  height  = 1
  model   = "Dell PowerEdge R650"
  serial  = "FRA3022X4218"
  address = "10.110.3.42/22"
  image   = var.default_image
  roles   = []

  psu {
    pdu    = "fra1-r3-pdu-a"
    outlet = 7
    watts  = 300
  }
  psu {
    pdu    = "fra1-r3-pdu-b"
    outlet = 7
    watts  = 300
  }

  bmc {
    address    = "10.199.1.32"
    credential = "bmc-admin"
  }

  nic "eno1" {
    mac     = "0c:c4:7a:11:03:2c"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c:c4:7a:11:03:2d"
    purpose = "public"
  }

  disk "nvme0" {
    serial = "S6FRA3022X4218N0"
    path   = "/dev/nvme0n1"
    size   = "3.84TB"
  }
  disk "nvme1" {
    serial = "S6FRA3022X4218N1"
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
