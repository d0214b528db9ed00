// Package dhcp is the boot server's DHCPv4 server: it hands each host in the
// host table its fixed address and the boot program its firmware needs
// (iPXE for BIOS, UEFI and ARM64, the iPXE EFI URL for UEFI HTTP boot, and
// the per-host iPXE script URL once iPXE runs). It works as the network's
// DHCP server (reservation mode, optionally with a discovery pool for
// unknown MACs) or beside an existing one (proxyDHCP).
//
// The Handler decides replies from packets (no I/O but the Backend lookup);
// the Server moves packets between sockets and the Handler.
package dhcp

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/racksmith/racksmith/pxe/hosts"
)

// Ports the server listens on.
const (
	ServerPort   = 67
	ClientPort   = 68
	PXEProxyPort = 4011
)

// Result is what the handler did with a packet; it labels logs and metrics.
type Result string

// Results.
const (
	ResultOffer          Result = "offer"
	ResultAck            Result = "ack"
	ResultNak            Result = "nak"
	ResultReleased       Result = "released"
	ResultIgnoredUnknown Result = "ignored_unknown_mac"
	ResultIgnored        Result = "ignored"
	ResultMalformed      Result = "malformed"
	ResultError          Result = "error"
)

// Handler decides the reply to each DHCP packet. Safe for concurrent use.
type Handler struct {
	cfg     Config
	backend Backend
	log     *slog.Logger
	pool    *pool
	metrics *Metrics
}

// NewHandler checks cfg and returns a handler answering from backend.
func NewHandler(cfg Config, backend Backend, log *slog.Logger) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if backend == nil {
		return nil, fmt.Errorf("%w: backend: nil", ErrConfig)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	h := &Handler{cfg: cfg, backend: backend, log: log, metrics: NewMetrics()}
	if cfg.Discovery != nil && cfg.Mode == ModeReservation {
		h.pool = newPool(*cfg.Discovery, time.Now)
	}
	return h, nil
}

// Metrics returns the handler's counters, for registering with Prometheus.
func (h *Handler) Metrics() *Metrics { return h.metrics }

// lease is the address part of a reply; nil in proxy mode.
type lease struct {
	addr      netip.Addr
	prefixLen int
	router    netip.Addr
	dns       []netip.Addr
	hostname  string
	duration  time.Duration
}

// decision is the outcome of one packet before it is logged and counted.
type decision struct {
	reply  *dhcpv4.DHCPv4
	result Result
	reason string
	client Client
}

// Handle returns the reply to req, received on port (67, or 4011 in proxy
// mode), or nil when there is nothing to send. Every packet gets one log
// line with its mac and xid, and is counted.
func (h *Handler) Handle(ctx context.Context, req *dhcpv4.DHCPv4, port int) *dhcpv4.DHCPv4 {
	d := h.decide(ctx, req, port)
	mt := req.MessageType()
	h.metrics.packet(mt, d.result)
	level := slog.LevelInfo
	switch d.result {
	case ResultMalformed, ResultError:
		level = slog.LevelWarn
	case ResultIgnored, ResultIgnoredUnknown:
		level = slog.LevelDebug
	}
	if !h.log.Enabled(ctx, level) {
		return d.reply
	}
	attrs := []slog.Attr{
		slog.String("mac", req.ClientHWAddr.String()),
		slog.String("xid", req.TransactionID.String()),
		slog.String("type", mt.String()),
		slog.Int("port", port),
		slog.String("result", string(d.result)),
		slog.String("firmware", d.client.Firmware.String()),
	}
	if d.client.HasArch {
		attrs = append(attrs, slog.Int("arch", int(d.client.Arch)))
	}
	if gi := req.GatewayIPAddr; gi != nil && !gi.IsUnspecified() {
		attrs = append(attrs, slog.String("giaddr", gi.String()))
	}
	if d.reply != nil {
		if yi := d.reply.YourIPAddr; yi != nil && !yi.IsUnspecified() {
			attrs = append(attrs, slog.String("yiaddr", yi.String()))
		}
		if f := d.reply.BootFileName; f != "" {
			attrs = append(attrs, slog.String("file", f))
		}
	}
	if d.reason != "" {
		attrs = append(attrs, slog.String("reason", d.reason))
	}
	h.log.LogAttrs(ctx, level, "dhcp packet", attrs...)
	return d.reply
}

func (h *Handler) decide(ctx context.Context, req *dhcpv4.DHCPv4, port int) decision {
	if err := Validate(req); err != nil {
		return decision{result: ResultMalformed, reason: err.Error()}
	}
	d := decision{client: Classify(req)}
	mac := req.ClientHWAddr
	res, err := h.backend.Lookup(ctx, mac)
	if err != nil {
		d.result, d.reason = ResultError, "backend lookup: "+err.Error()
		return d
	}
	if h.cfg.Mode == ModeProxy {
		return h.decideProxy(req, port, res, d)
	}
	return h.decideReservation(req, res, d)
}

func (h *Handler) decideReservation(req *dhcpv4.DHCPv4, res *Reservation, d decision) decision {
	mt := req.MessageType()
	if res == nil && h.pool == nil {
		d.result = ResultIgnoredUnknown
		return d
	}
	switch mt {
	case dhcpv4.MessageTypeDiscover, dhcpv4.MessageTypeRequest, dhcpv4.MessageTypeInform:
	case dhcpv4.MessageTypeRelease, dhcpv4.MessageTypeDecline:
		if res == nil {
			h.pool.release(req.ClientHWAddr, mt == dhcpv4.MessageTypeDecline)
		}
		d.result = ResultReleased
		return d
	default:
		d.result, d.reason = ResultIgnored, "message type not handled by a server"
		return d
	}
	if mt == dhcpv4.MessageTypeRequest {
		sid := req.ServerIdentifier()
		if sid != nil && !sid.Equal(h.cfg.ServerIP.AsSlice()) {
			d.result, d.reason = ResultIgnored, "client selected server "+sid.String()
			return d
		}
		// RFC 2131 4.3.2: a rebooting or renewing client we hold no lease
		// for gets no answer (it may belong to another server).
		if res == nil && sid == nil {
			if want, ok := netip.AddrFromSlice(requestedAddr(req).To4()); !ok || !h.pool.holds(req.ClientHWAddr, want) {
				d.result, d.reason = ResultIgnored, "no lease for this client"
				return d
			}
		}
	}
	if mt == dhcpv4.MessageTypeInform && res == nil {
		// An informing client has its address: take none from the pool.
		p := h.cfg.Discovery
		l := &lease{prefixLen: p.PrefixLen, router: p.Router, dns: p.DNS}
		d.reply, d.result = h.build(req, dhcpv4.MessageTypeAck, l, d.client, hosts.ScriptURL(h.cfg.BootURL, req.ClientHWAddr)), ResultAck
		return d
	}
	l, script, err := h.leaseFor(req.ClientHWAddr, res)
	if err != nil {
		d.result, d.reason = ResultError, err.Error()
		return d
	}
	switch mt {
	case dhcpv4.MessageTypeDiscover:
		d.reply, d.result = h.build(req, dhcpv4.MessageTypeOffer, l, d.client, script), ResultOffer
	case dhcpv4.MessageTypeInform:
		l.addr = netip.Addr{}
		d.reply, d.result = h.build(req, dhcpv4.MessageTypeAck, l, d.client, script), ResultAck
	case dhcpv4.MessageTypeRequest:
		want := requestedAddr(req)
		if w, ok := netip.AddrFromSlice(want.To4()); !ok || w != l.addr {
			d.reply, d.result = h.nak(req, fmt.Sprintf("requested %s, host has %s", want, l.addr)), ResultNak
			d.reason = "requested " + want.String() + ", reserved " + l.addr.String()
			return d
		}
		d.reply, d.result = h.build(req, dhcpv4.MessageTypeAck, l, d.client, script), ResultAck
	}
	return d
}

// leaseFor is the address of a known host, or a pool lease for an unknown one.
func (h *Handler) leaseFor(mac net.HardwareAddr, res *Reservation) (*lease, string, error) {
	if res != nil {
		return &lease{
			addr: res.Address, prefixLen: res.PrefixLen, router: res.Router, dns: res.DNS,
			hostname: res.Hostname, duration: h.cfg.LeaseTime,
		}, res.ScriptURL(), nil
	}
	addr, err := h.pool.offer(mac)
	if err != nil {
		return nil, "", err
	}
	p := h.cfg.Discovery
	return &lease{addr: addr, prefixLen: p.PrefixLen, router: p.Router, dns: p.DNS, duration: p.LeaseTime},
		hosts.ScriptURL(h.cfg.BootURL, mac), nil
}

func (h *Handler) decideProxy(req *dhcpv4.DHCPv4, port int, res *Reservation, d decision) decision {
	if !d.client.PXE && d.client.Firmware != FirmwareIPXE && d.client.Firmware != FirmwareHTTPBoot {
		d.result, d.reason = ResultIgnored, "not a PXE client"
		return d
	}
	if res == nil && h.cfg.Discovery == nil {
		d.result = ResultIgnoredUnknown
		return d
	}
	script := hosts.ScriptURL(h.cfg.BootURL, req.ClientHWAddr)
	if res != nil {
		script = res.ScriptURL()
	}
	mt := req.MessageType()
	switch {
	case port == ServerPort && mt == dhcpv4.MessageTypeDiscover:
		d.reply, d.result = h.build(req, dhcpv4.MessageTypeOffer, nil, d.client, script), ResultOffer
	case port == PXEProxyPort && (mt == dhcpv4.MessageTypeRequest || mt == dhcpv4.MessageTypeInform):
		d.reply, d.result = h.build(req, dhcpv4.MessageTypeAck, nil, d.client, script), ResultAck
	default:
		d.result, d.reason = ResultIgnored, "proxyDHCP answers discover on 67 and request on 4011 only"
	}
	return d
}

// requestedAddr is option 50, or ciaddr when renewing.
func requestedAddr(req *dhcpv4.DHCPv4) net.IP {
	if want := req.RequestedIPAddress(); want != nil && !want.IsUnspecified() {
		return want
	}
	return req.ClientIPAddr
}
