package ra

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv6"
)

var allNodes = &net.IPAddr{IP: net.IPv6linklocalallnodes}

// Advertiser sends router advertisements on one interface and answers
// router solicitations there.
type Advertiser struct {
	ifi  *net.Interface
	cfg  Config
	msg  []byte
	conn *icmp.PacketConn
	pc   *ipv6.PacketConn
	log  *slog.Logger

	lastSolicited time.Time
}

// minSolicitedGap rate-limits answers to solicitations.
const minSolicitedGap = 300 * time.Millisecond

// New opens an ICMPv6 socket on iface (needs root or CAP_NET_RAW). The
// interface must be up with an IPv6 link-local address; New waits up to
// 10 s for a usable one (duplicate address detection keeps a new link-local
// address tentative for a second or two).
func New(iface string, cfg Config, log *slog.Logger) (*Advertiser, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("ra: interface %s: %w", iface, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	ll, err := waitLinkLocal(ifi, time.Until(deadline))
	if err != nil {
		return nil, fmt.Errorf("ra: interface %s: %w", iface, err)
	}
	// Zone by index: Go caches zone names, which goes stale across namespaces.
	// A link-local address still in duplicate address detection (a bridge
	// just brought up) cannot be bound yet: retry until the deadline.
	var conn *icmp.PacketConn
	for {
		conn, err = icmp.ListenPacket("ip6:ipv6-icmp", ll.String()+"%"+strconv.Itoa(ifi.Index))
		if err == nil || !errors.Is(err, syscall.EADDRNOTAVAIL) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return nil, fmt.Errorf("ra: listen on %s: %w", iface, err)
	}
	a := &Advertiser{ifi: ifi, cfg: cfg, msg: Message(cfg, ifi.HardwareAddr), conn: conn, pc: conn.IPv6PacketConn(),
		log: log.With("iface", iface)}
	if err := a.setup(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("ra: socket options on %s: %w", iface, err)
	}
	return a, nil
}

func (a *Advertiser) setup() error {
	// RFC 4861: neighbour discovery messages carry hop limit 255.
	if err := a.pc.SetMulticastHopLimit(255); err != nil {
		return err
	}
	if err := a.pc.SetHopLimit(255); err != nil {
		return err
	}
	if err := a.pc.SetMulticastInterface(a.ifi); err != nil {
		return err
	}
	if err := a.pc.SetMulticastLoopback(false); err != nil {
		return err
	}
	if err := a.pc.JoinGroup(a.ifi, &net.IPAddr{IP: net.ParseIP("ff02::2")}); err != nil {
		return err
	}
	if err := a.pc.SetControlMessage(ipv6.FlagHopLimit|ipv6.FlagInterface, true); err != nil {
		return err
	}
	var f ipv6.ICMPFilter
	f.SetAll(true)
	f.Accept(ipv6.ICMPTypeRouterSolicitation)
	return a.pc.SetICMPFilter(&f)
}

func waitLinkLocal(ifi *net.Interface, d time.Duration) (net.IP, error) {
	deadline := time.Now().Add(d)
	for {
		addrs, err := ifi.Addrs()
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() == nil && ipn.IP.IsLinkLocalUnicast() {
				return ipn.IP, nil
			}
		}
		if time.Now().After(deadline) {
			return nil, ErrNoLinkLocal
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Run advertises on iface with the default Config until ctx is done.
func Run(ctx context.Context, iface string, log *slog.Logger) error {
	a, err := New(iface, Config{}, log)
	if err != nil {
		return err
	}
	return a.Serve(ctx)
}

// Serve sends an advertisement now and every Interval, and answers each
// router solicitation, until ctx is done; then it closes the socket.
func (a *Advertiser) Serve(ctx context.Context) error {
	a.log.Info("router advertisements on", "interval", a.cfg.Interval.String(), "prefixes", len(a.cfg.Prefixes), "router_lifetime", 0)
	stop := context.AfterFunc(ctx, func() { a.conn.Close() })
	defer stop()
	done := make(chan error, 1)
	go func() { done <- a.answer(ctx) }()
	t := time.NewTicker(a.cfg.Interval)
	defer t.Stop()
	for {
		a.send(allNodes, "periodic")
		select {
		case <-ctx.Done():
			<-done
			return nil
		case err := <-done:
			return err
		case <-t.C:
		}
	}
}

func (a *Advertiser) send(to *net.IPAddr, why string) {
	cm := &ipv6.ControlMessage{HopLimit: 255, IfIndex: a.ifi.Index}
	if _, err := a.pc.WriteTo(a.msg, cm, to); err != nil && !errors.Is(err, net.ErrClosed) {
		a.log.Warn("router advertisement not sent", "to", to.String(), "why", why, "err", err.Error())
		return
	}
	a.log.Debug("router advertisement sent", "to", to.String(), "why", why)
}

// answer replies to router solicitations arriving on the interface.
func (a *Advertiser) answer(ctx context.Context) error {
	buf := make([]byte, 1500)
	for {
		n, cm, src, err := a.pc.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("ra: read: %w", err)
		}
		from := src.String()
		if ipa, ok := src.(*net.IPAddr); ok {
			from = ipa.IP.String() // the zone name may come from another namespace
		}
		switch {
		case n < 8 || buf[0] != typeRouterSolicitation || buf[1] != 0:
			a.log.Warn("icmpv6 packet dropped", "from", from, "bytes", n, "err", "not a router solicitation")
			continue
		case cm != nil && cm.IfIndex != a.ifi.Index:
			continue
		case cm != nil && cm.HopLimit != 255:
			a.log.Warn("router solicitation dropped", "from", from, "err", fmt.Sprintf("hop limit %d, not 255", cm.HopLimit))
			continue
		}
		// RFC 4861 6.2.6: answer to all-nodes (the solicitor may have no
		// address yet), at most one answer per minSolicitedGap.
		if time.Since(a.lastSolicited) < minSolicitedGap {
			continue
		}
		a.lastSolicited = time.Now()
		a.send(allNodes, "solicited by "+from)
	}
}
