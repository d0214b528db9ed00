# A two-site mail fleet: Frankfurt holds the primary database cluster,
# Amsterdam its replica. Each site has three racks with A and B feeds.

variable "default_image" {
  type        = string
  description = "OS image every server gets unless it says otherwise"
  default     = "debian-12"
}

locals {
  rack_height = 42
  dns_servers = {
    fra1 = ["10.110.0.53", "10.110.0.54"]
    ams1 = ["10.120.0.53", "10.120.0.54"]
  }
}

site "fra1" {
  region  = "eu-central"
  address = "Hanauer Landstrasse 298, 60314 Frankfurt am Main"

  network {
    prefix      = "10.110.0.0/22"
    gateway     = "10.110.0.1"
    boot_server = "10.110.0.2"
    boot_url    = "http://10.110.0.2:8080"
    dns         = local.dns_servers.fra1
  }
}

rack "fra1-r1" {
  site   = "fra1"
  height = local.rack_height
}

rack "fra1-r2" {
  site   = "fra1"
  height = local.rack_height
}

rack "fra1-r3" {
  site   = "fra1"
  height = local.rack_height
}

site "ams1" {
  region  = "eu-west"
  address = "Science Park 610, 1098 XH Amsterdam"

  network {
    prefix      = "10.120.0.0/22"
    gateway     = "10.120.0.1"
    boot_server = "10.120.0.2"
    boot_url    = "http://10.120.0.2:8080"
    dns         = local.dns_servers.ams1
  }
}

rack "ams1-r1" {
  site   = "ams1"
  height = local.rack_height
}

rack "ams1-r2" {
  site   = "ams1"
  height = local.rack_height
}

rack "ams1-r3" {
  site   = "ams1"
  height = local.rack_height
}

credential "bmc-admin" {
  username = "racksmith"
  password = "env:RACKSMITH_BMC_PASSWORD"
}

credential "bmc-fallback" {
  username = "ADMIN"
  password = "file:/etc/racksmith/bmc-fallback.pass"
}
