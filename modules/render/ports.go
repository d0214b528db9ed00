package render

// Ports the roles agree on: one role listens, another connects or scrapes.
const (
	PortHTTPS         = 443  // web front end (TLS), behind the lb
	PortWebHealth     = 8081 // nginx: /healthz for the lb, /stub_status for its exporter
	PortApp           = 8080 // the web application, on each web host's loopback
	PortSMTP          = 25
	PortSubmissions   = 465
	PortSubmission    = 587
	PortLMTP          = 24 // the mail store's LMTP listener, beside the database
	PortMySQL         = 3306
	PortDNS           = 53
	PortHAProxyStats  = 8404 // haproxy stats page and built-in Prometheus exporter (/metrics)
	PortNodeExporter  = 9100
	PortMySQLExporter = 9104
	PortNginxExporter = 9113
	PortPostfixExport = 9154
	PortKnotExporter  = 9433
	PortPrometheus    = 9090
	PortAlertmanager  = 9093
)

// HealthPath is the path the lb checks on each web host; it answers 503
// while DrainFile exists, so an operator drains a host before removing it.
const (
	HealthPath = "/healthz"
	DrainFile  = "/var/lib/racksmith/drain"
)
