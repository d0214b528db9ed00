# The four lab VMs. MACs, disk serials and BMC addresses are what lab/
# gives the QEMU VMs and ipmi_sim; disks are small and key derivation is
# fast (pbkdf2, 1000 iterations) so that installs take seconds under TCG.

locals {
  lab_disk_size = "512MiB"
  lab_image     = "lab-busybox"
}

server "fra1-node1" {
  site    = "fra1"
  rack    = "fra1-r1"
  u       = 10
  height  = 1
  model   = "QEMU Standard PC (i440FX + PIIX, 1996)"
  serial  = "RS-fra1-node1"
  address = "10.11.0.21/24"
  image   = local.lab_image
  roles   = ["dns", "web", "monitor"]

  psu {
    pdu    = "fra1-pdu-a"
    outlet = 1
    watts  = 120
  }
  psu {
    pdu    = "fra1-pdu-b"
    outlet = 1
    watts  = 120
  }

  bmc {
    address    = "10.99.0.11"
    port       = 623
    protocol   = "ipmi"
    credential = "lab-bmc"
  }

  nic "eth0" {
    mac     = "52:54:00:11:00:21"
    purpose = "provisioning"
  }

  disk "d0" {
    serial = "RS-fra1-node1-d0"
    path   = "/dev/vda"
    size   = local.lab_disk_size
  }
  disk "d1" {
    serial = "RS-fra1-node1-d1"
    path   = "/dev/vdb"
    size   = local.lab_disk_size
  }

  storage {
    raid_level = 1
    disks      = ["d0", "d1"]

    encryption {
      type             = "luks2"
      cipher           = "aes-xts-plain64"
      pbkdf            = "pbkdf2"
      pbkdf_iterations = 1000
      key_source       = "bootserver"
    }
  }
}

server "fra1-node2" {
  site    = "fra1"
  rack    = "fra1-r1"
  u       = 11
  height  = 1
  model   = "QEMU Standard PC (i440FX + PIIX, 1996)"
  serial  = "RS-fra1-node2"
  address = "10.11.0.22/24"
  image   = local.lab_image
  roles   = ["dns", "web", "monitor"]

  psu {
    pdu    = "fra1-pdu-a"
    outlet = 2
    watts  = 120
  }
  psu {
    pdu    = "fra1-pdu-b"
    outlet = 2
    watts  = 120
  }

  bmc {
    address    = "10.99.0.12"
    port       = 623
    protocol   = "ipmi"
    credential = "lab-bmc"
  }

  nic "eth0" {
    mac     = "52:54:00:11:00:22"
    purpose = "provisioning"
  }

  disk "d0" {
    serial = "RS-fra1-node2-d0"
    path   = "/dev/vda"
    size   = local.lab_disk_size
  }
  disk "d1" {
    serial = "RS-fra1-node2-d1"
    path   = "/dev/vdb"
    size   = local.lab_disk_size
  }

  storage {
    raid_level = 1
    disks      = ["d0", "d1"]

    encryption {
      type             = "luks2"
      cipher           = "aes-xts-plain64"
      pbkdf            = "pbkdf2"
      pbkdf_iterations = 1000
      key_source       = "bootserver"
    }
  }
}

server "ams1-node1" {
  site    = "ams1"
  rack    = "ams1-r1"
  u       = 10
  height  = 1
  model   = "QEMU Standard PC (i440FX + PIIX, 1996)"
  serial  = "RS-ams1-node1"
  address = "10.21.0.21/24"
  image   = local.lab_image
  roles   = ["dns", "web", "monitor"]

  psu {
    pdu    = "ams1-pdu-a"
    outlet = 1
    watts  = 120
  }
  psu {
    pdu    = "ams1-pdu-b"
    outlet = 1
    watts  = 120
  }

  bmc {
    address    = "10.99.0.13"
    port       = 623
    protocol   = "ipmi"
    credential = "lab-bmc"
  }

  nic "eth0" {
    mac     = "52:54:00:21:00:21"
    purpose = "provisioning"
  }

  disk "d0" {
    serial = "RS-ams1-node1-d0"
    path   = "/dev/vda"
    size   = local.lab_disk_size
  }
  disk "d1" {
    serial = "RS-ams1-node1-d1"
    path   = "/dev/vdb"
    size   = local.lab_disk_size
  }

  storage {
    raid_level = 1
    disks      = ["d0", "d1"]

    encryption {
      type             = "luks2"
      cipher           = "aes-xts-plain64"
      pbkdf            = "pbkdf2"
      pbkdf_iterations = 1000
      key_source       = "bootserver"
    }
  }
}

server "ams1-node2" {
  site    = "ams1"
  rack    = "ams1-r1"
  u       = 11
  height  = 1
  model   = "QEMU Standard PC (i440FX + PIIX, 1996)"
  serial  = "RS-ams1-node2"
  address = "10.21.0.22/24"
  image   = local.lab_image
  roles   = ["dns", "web", "monitor"]

  psu {
    pdu    = "ams1-pdu-a"
    outlet = 2
    watts  = 120
  }
  psu {
    pdu    = "ams1-pdu-b"
    outlet = 2
    watts  = 120
  }

  bmc {
    address    = "10.99.0.14"
    port       = 623
    protocol   = "ipmi"
    credential = "lab-bmc"
  }

  nic "eth0" {
    mac     = "52:54:00:21:00:22"
    purpose = "provisioning"
  }

  disk "d0" {
    serial = "RS-ams1-node2-d0"
    path   = "/dev/vda"
    size   = local.lab_disk_size
  }
  disk "d1" {
    serial = "RS-ams1-node2-d1"
    path   = "/dev/vdb"
    size   = local.lab_disk_size
  }

  storage {
    raid_level = 1
    disks      = ["d0", "d1"]

    encryption {
      type             = "luks2"
      cipher           = "aes-xts-plain64"
      pbkdf            = "pbkdf2"
      pbkdf_iterations = 1000
      key_source       = "bootserver"
    }
  }
}
