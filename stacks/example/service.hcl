service "mail" {
  domains      = ["example.net", "example.org", "mail.example.com"]
  primary_site = "fra1"

  # Floating addresses the keepalived pair of each site's load balancers holds.
  vips = {
    fra1 = "10.110.0.10"
    ams1 = "10.120.0.10"
  }
}
