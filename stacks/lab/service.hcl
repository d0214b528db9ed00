service "mail" {
  domains      = ["lab.racksmith.test"]
  primary_site = "fra1"
  vips = {
    fra1 = "10.11.0.10"
    ams1 = "10.21.0.10"
  }
}
