# Lab roles are light: every node runs DNS, a web server and monitoring, so
# each site keeps serving when the other goes.

role "dns" {
  replicas = 4
  per_site = 2
  spread   = ["site", "pdu"]
}

role "web" {
  replicas = 4
  per_site = 2
  spread   = ["site", "pdu"]
}

role "monitor" {
  replicas = 4
  per_site = 2
  spread   = ["site", "pdu"]
}
