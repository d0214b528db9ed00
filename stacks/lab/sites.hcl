# The virtual datacenter of `make demo` (docs/contracts.md): two sites, each
# with its own provisioning bridge inside the racksmith-lab namespace.

site "fra1" {
  region  = "eu-central"
  address = "lab namespace racksmith-lab, bridge rs-fra1"

  network {
    prefix      = "10.11.0.0/24"
    gateway     = "10.11.0.1"
    boot_server = "10.11.0.2"
    boot_url    = "http://10.11.0.2:8080"
  }
}

site "ams1" {
  region  = "eu-west"
  address = "lab namespace racksmith-lab, bridge rs-ams1"

  network {
    prefix      = "10.21.0.0/24"
    gateway     = "10.21.0.1"
    boot_server = "10.21.0.2"
    boot_url    = "http://10.21.0.2:8080"
  }
}

rack "fra1-r1" {
  site   = "fra1"
  height = 42
}

rack "ams1-r1" {
  site   = "ams1"
  height = 42
}

# The virtual BMCs (ipmi_sim on bridge rs-bmc) all take this login; the
# password comes from the Pulumi stack config, never from this file.
credential "lab-bmc" {
  username = "admin"
  password = "pulumi:bmcPassword"
}
