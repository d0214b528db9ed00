# What the mail service needs of each role, and across which failure
# domains its instances must be spread.

role "lb" {
  replicas = 4
  per_site = 2
  spread   = ["site", "rack", "pdu"]
}

role "web" {
  replicas = 10
  per_site = 5
  spread   = ["site", "rack", "pdu"]
}

# Mail exchangers queue mail while the database is away.
role "mx" {
  replicas = 6
  per_site = 3
  spread   = ["site", "rack", "pdu"]
}

# The primary SQL cluster: three members, writable while two remain.
role "db" {
  replicas = 3
  sites    = ["fra1"]
  spread   = ["rack", "pdu"]
  quorum   = 2
}

# Asynchronous replicas of the primary cluster in the other site.
role "db-replica" {
  replicas = 2
  sites    = ["ams1"]
  spread   = ["rack", "pdu"]
}

role "dns" {
  replicas = 4
  per_site = 2
  spread   = ["site", "rack", "pdu"]
}

role "monitor" {
  replicas = 4
  per_site = 2
  spread   = ["site", "rack", "pdu"]
}
