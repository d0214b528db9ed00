package bmc

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	bmclib "github.com/bmc-toolbox/bmclib/v2"
	"github.com/bmc-toolbox/bmclib/v2/providers/ipmitool"
	"github.com/bmc-toolbox/bmclib/v2/providers/redfish"
)

// session is an open connection to a BMC through one bmclib driver.
type session interface {
	GetPowerState(ctx context.Context) (string, error)
	SetPowerState(ctx context.Context, state string) (bool, error)
	SetBootDevice(ctx context.Context, device string, persistent, efi bool) (bool, error)
	Close(ctx context.Context) error
}

var _ session = (*bmclib.Client)(nil)

// driver is one bmclib provider we may speak to a BMC with.
type driver struct {
	name     string // bmclib provider name
	protocol string
}

// driversFor lists the drivers tried, in order, for an endpoint.
func driversFor(ep Endpoint) []driver {
	ipmi := driver{name: ipmitool.ProviderName, protocol: ProtocolIPMI}
	rf := driver{name: redfish.ProviderName, protocol: ProtocolRedfish}
	switch ep.Protocol {
	case ProtocolIPMI:
		return []driver{ipmi}
	case ProtocolRedfish:
		return []driver{rf}
	case "":
		return []driver{ipmi, rf}
	}
	return nil
}

// open opens a session with the first driver that answers, giving each
// driver the endpoint's Timeout. When every driver fails their errors are
// joined.
func (c *Client) open(ctx context.Context) (session, error) {
	if len(c.drivers) == 0 {
		return nil, fmt.Errorf("%w %q (want %q or %q)", ErrUnsupportedProtocol, c.ep.Protocol, ProtocolIPMI, ProtocolRedfish)
	}
	var (
		errs     []error
		timedOut bool
	)
	for _, d := range c.drivers {
		dctx, cancel := context.WithTimeout(ctx, c.ep.Timeout)
		s, err := c.openWith(dctx, d)
		expired := dctx.Err() != nil && ctx.Err() == nil
		cancel()
		if err == nil {
			return s, nil
		}
		if expired {
			timedOut = true
			err = fmt.Errorf("no answer within %s: %w", c.ep.Timeout, c.redact(err))
		}
		errs = append(errs, fmt.Errorf("%s: %w", d.name, c.redact(err)))
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
	}
	joined := errors.Join(errs...)
	if timedOut {
		return nil, fmt.Errorf("%w: %w: %w", ErrUnreachable, ErrTimeout, joined)
	}
	return nil, fmt.Errorf("%w: %w", ErrUnreachable, joined)
}

func (c *Client) openWith(ctx context.Context, d driver) (session, error) {
	port := strconv.Itoa(c.port(d.protocol))
	opts := []bmclib.Option{
		bmclib.WithIpmitoolPort(port),
		bmclib.WithIpmitoolCipherSuite(IPMICipherSuite),
		bmclib.WithRedfishPort(port),
	}
	if c.ep.IpmitoolPath != "" {
		opts = append(opts, bmclib.WithIpmitoolPath(c.ep.IpmitoolPath))
	}
	cl := bmclib.NewClient(c.ep.Address, c.ep.Username, c.ep.Password, opts...)
	cl.Registry.Drivers = cl.Registry.For(d.name)
	if len(cl.Registry.Drivers) == 0 {
		return nil, fmt.Errorf("driver not available (is %s installed?)", d.name)
	}
	if err := cl.Open(ctx); err != nil {
		// bmclib's multi-line error lists: one line for logs and messages,
		// without its note that no other driver was left to try
		msg := strings.Join(strings.Fields(err.Error()), " ")
		msg = strings.ReplaceAll(msg, " * no Opener implementations found", "")
		return nil, errors.New(msg)
	}
	return cl, nil
}

// redact removes the password from an error's text. bmclib and the tools
// below it do not print it, but a BMC echoing a request could.
func (c *Client) redact(err error) error {
	if err == nil || c.ep.Password == "" || !strings.Contains(err.Error(), c.ep.Password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), c.ep.Password, "***"))
}
