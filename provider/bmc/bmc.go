// Package bmc is racksmith's adapter to baseboard management controllers:
// it reads and sets a server's power and its next boot device through
// bmclib v2 (ipmitool for IPMI, gofish for Redfish).
//
// Every action checks the host's state before it acts (an "on" for a host
// that is on does nothing, a "cycle" of a host that is off powers it on),
// holds a per-BMC lock so that one BMC sees one operation at a time, runs
// under a bounded timeout with bounded retries, and writes one audit log
// line: who, what, which BMC, the result and how long it took. Passwords
// never reach logs or error messages; bmclib hands ipmitool its password
// through the environment, not the command line.
package bmc

import (
	"log/slog"
	"net"
	"strconv"
	"time"
)

// Protocols a BMC endpoint may speak.
const (
	ProtocolIPMI    = "ipmi"
	ProtocolRedfish = "redfish"
)

// Defaults for an Endpoint's zero fields.
const (
	DefaultIPMIPort    = 623
	DefaultRedfishPort = 443
	DefaultTimeout     = 10 * time.Second
	DefaultRetries     = 2
	// IPMICipherSuite is the RMCP+ cipher suite given to ipmitool (-C 3:
	// HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128). Without it ipmitool first tries
	// suite 17 and every call against ipmi_sim waits ~10 s.
	IPMICipherSuite = "3"
)

// Endpoint is how one BMC is reached. Password is the plain secret; it is
// only ever handed to bmclib.
type Endpoint struct {
	Address  string // IP address or host name
	Port     int    // 0: 623 for IPMI, 443 for Redfish
	Protocol string // "ipmi" or "redfish"; "" tries ipmi, then redfish
	Username string
	Password string

	// Timeout bounds each driver's connect and then the command of one
	// attempt; 0 is DefaultTimeout.
	Timeout time.Duration
	// Retries is how many times a failed attempt is repeated when that is
	// safe; 0 is DefaultRetries, a negative value means no retry.
	Retries int
	// IpmitoolPath overrides the ipmitool found on PATH.
	IpmitoolPath string
}

// Client drives one BMC. It is safe for concurrent use: operations on the
// same BMC address (from any Client in the process) are serialized.
type Client struct {
	ep      Endpoint
	log     *slog.Logger
	drivers []driver
}

// New returns a Client for ep that writes its audit lines to log (nil: the
// default logger). It does not contact the BMC.
func New(ep Endpoint, log *slog.Logger) *Client {
	if log == nil {
		log = slog.Default()
	}
	if ep.Timeout <= 0 {
		ep.Timeout = DefaultTimeout
	}
	if ep.Retries == 0 {
		ep.Retries = DefaultRetries
	}
	if ep.Retries < 0 {
		ep.Retries = 0
	}
	return &Client{ep: ep, log: log, drivers: driversFor(ep)}
}

// Host is the BMC's address and port as "host:port", for logs and errors.
func (c *Client) Host() string {
	return net.JoinHostPort(c.ep.Address, strconv.Itoa(c.port(c.ep.Protocol)))
}

func (c *Client) port(protocol string) int {
	if c.ep.Port != 0 {
		return c.ep.Port
	}
	if protocol == ProtocolRedfish {
		return DefaultRedfishPort
	}
	return DefaultIPMIPort
}
