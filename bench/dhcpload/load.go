package dhcpload

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
)

// Config of one load run.
type Config struct {
	Hosts       []Host
	ServerIP    netip.Addr // server identifier put in REQUESTs
	Concurrency int        // transactions in flight
	Duration    time.Duration
	Timeout     time.Duration // per reply; default 1 s
}

// Result of one run.
type Result struct {
	Exchanges int // complete DISCOVER/OFFER/REQUEST/ACK
	Timeouts  int
	Naks      int
	Elapsed   time.Duration
	Offer     []time.Duration // DISCOVER -> OFFER
	Ack       []time.Duration // REQUEST -> ACK
}

// Rate is complete exchanges per second.
func (r Result) Rate() float64 { return float64(r.Exchanges) / r.Elapsed.Seconds() }

// Generator sends from one interface. Open it inside the client's network
// namespace; Run can be called from anywhere.
type Generator struct {
	conn net.PacketConn
}

// Open opens a raw packet socket on iface (needs root). The interface
// should be promiscuous: some servers send replies to the client's MAC.
func Open(iface string) (*Generator, error) {
	c, err := nclient4.NewRawUDPConn(iface, dhcpv4.ClientPort)
	if err != nil {
		return nil, fmt.Errorf("dhcpload: raw socket on %s: %w", iface, err)
	}
	return &Generator{conn: c}, nil
}

// Close closes the socket.
func (g *Generator) Close() error { return g.conn.Close() }

type reply struct {
	seq uint32
	mt  dhcpv4.MessageType
	at  time.Time
}

// The xid carries the worker (high 12 bits) and its sequence number.
const seqBits = 20

// Run drives the load for cfg.Duration and returns what it measured.
func (g *Generator) Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Concurrency < 1 || cfg.Concurrency >= 1<<(32-seqBits) || len(cfg.Hosts) == 0 {
		return Result{}, fmt.Errorf("dhcpload: concurrency %d, %d hosts", cfg.Concurrency, len(cfg.Hosts))
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Second
	}
	disc, req, err := templates(cfg)
	if err != nil {
		return Result{}, err
	}
	inbox := make([]chan reply, cfg.Concurrency)
	for i := range inbox {
		inbox[i] = make(chan reply, 8)
	}
	stopRead := make(chan struct{})
	readDone := make(chan struct{})
	go g.readLoop(inbox, stopRead, readDone)

	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	results := make([]Result, cfg.Concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[w] = g.worker(ctx, w, cfg, disc, req, inbox[w])
		}()
	}
	wg.Wait()
	var total Result
	total.Elapsed = time.Since(start)
	close(stopRead)
	g.conn.SetReadDeadline(time.Now())
	<-readDone
	g.conn.SetReadDeadline(time.Time{})
	for _, r := range results {
		total.Exchanges += r.Exchanges
		total.Timeouts += r.Timeouts
		total.Naks += r.Naks
		total.Offer = append(total.Offer, r.Offer...)
		total.Ack = append(total.Ack, r.Ack...)
	}
	return total, nil
}

var bcast = &net.UDPAddr{IP: net.IPv4bcast, Port: dhcpv4.ServerPort}

func (g *Generator) worker(ctx context.Context, w int, cfg Config, disc, req [][]byte, in chan reply) Result {
	var r Result
	var seq uint32
	pkt := make([]byte, 0, 600)
	timer := time.NewTimer(time.Hour)
	// Hosts are split between workers so no two hold the same MAC at once.
	for i := w; ctx.Err() == nil; i += cfg.Concurrency {
		h := i % len(cfg.Hosts)
		seq = (seq + 1) & (1<<seqBits - 1)
		xid := uint32(w)<<seqBits | seq

		pkt = withXID(pkt, disc[h], xid)
		t0 := time.Now()
		if _, err := g.conn.WriteTo(pkt, bcast); err != nil {
			r.Timeouts++
			continue
		}
		got, ok := wait(ctx, in, seq, dhcpv4.MessageTypeOffer, timer, cfg.Timeout)
		if !ok {
			if ctx.Err() == nil { // not the run ending mid-transaction
				r.Timeouts++
			}
			continue
		}
		r.Offer = append(r.Offer, got.at.Sub(t0))

		pkt = withXID(pkt, req[h], xid)
		t1 := time.Now()
		if _, err := g.conn.WriteTo(pkt, bcast); err != nil {
			r.Timeouts++
			continue
		}
		got, ok = wait(ctx, in, seq, dhcpv4.MessageTypeAck, timer, cfg.Timeout)
		switch {
		case !ok && ctx.Err() != nil:
		case !ok:
			r.Timeouts++
		case got.mt == dhcpv4.MessageTypeNak:
			r.Naks++
		default:
			r.Ack = append(r.Ack, got.at.Sub(t1))
			r.Exchanges++
		}
	}
	return r
}

// wait returns the reply to seq of type want (or a NAK when want is ACK).
func wait(ctx context.Context, in chan reply, seq uint32, want dhcpv4.MessageType, timer *time.Timer, d time.Duration) (reply, bool) {
	timer.Reset(d)
	defer timer.Stop()
	for {
		select {
		case r := <-in:
			if r.seq != seq {
				continue // late reply to an earlier, timed-out transaction
			}
			if r.mt == want || (want == dhcpv4.MessageTypeAck && r.mt == dhcpv4.MessageTypeNak) {
				return r, true
			}
		case <-timer.C:
			return reply{}, false
		case <-ctx.Done():
			return reply{}, false
		}
	}
}

func (g *Generator) readLoop(inbox []chan reply, stop, done chan struct{}) {
	defer close(done)
	buf := make([]byte, 1500)
	for {
		n, _, err := g.conn.ReadFrom(buf)
		now := time.Now()
		if err != nil {
			select {
			case <-stop:
				return
			default:
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					continue
				}
				return
			}
		}
		if n < 240 || buf[0] != 2 {
			continue
		}
		xid := binary.BigEndian.Uint32(buf[4:8])
		w := int(xid >> seqBits)
		if w >= len(inbox) {
			continue
		}
		select {
		case inbox[w] <- reply{seq: xid & (1<<seqBits - 1), mt: messageType(buf[240:n]), at: now}:
		default:
		}
	}
}

// messageType scans options for 53 without decoding the rest.
func messageType(opts []byte) dhcpv4.MessageType {
	for i := 0; i+1 < len(opts); {
		switch code := opts[i]; code {
		case 0:
			i++
		case 255:
			return dhcpv4.MessageTypeNone
		default:
			l := int(opts[i+1])
			if code == 53 && l == 1 && i+2 < len(opts) {
				return dhcpv4.MessageType(opts[i+2])
			}
			i += 2 + l
		}
	}
	return dhcpv4.MessageTypeNone
}

func withXID(dst, tmpl []byte, xid uint32) []byte {
	dst = append(dst[:0], tmpl...)
	binary.BigEndian.PutUint32(dst[4:8], xid)
	return dst
}

// templates builds every host's DISCOVER and REQUEST once; runs patch the xid.
func templates(cfg Config) (disc, req [][]byte, err error) {
	prl := dhcpv4.OptParameterRequestList(dhcpv4.OptionSubnetMask, dhcpv4.OptionRouter,
		dhcpv4.OptionDomainNameServer, dhcpv4.OptionHostName, dhcpv4.OptionIPAddressLeaseTime, dhcpv4.OptionServerIdentifier)
	for _, h := range cfg.Hosts {
		d, err := dhcpv4.NewDiscovery(h.MAC, dhcpv4.WithBroadcast(true), dhcpv4.WithOption(prl),
			dhcpv4.WithTransactionID(dhcpv4.TransactionID{}))
		if err != nil {
			return nil, nil, err
		}
		r, err := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest), dhcpv4.WithHwAddr(h.MAC),
			dhcpv4.WithBroadcast(true), dhcpv4.WithOption(prl),
			dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(h.IP.AsSlice())),
			dhcpv4.WithOption(dhcpv4.OptServerIdentifier(cfg.ServerIP.AsSlice())),
			dhcpv4.WithTransactionID(dhcpv4.TransactionID{}))
		if err != nil {
			return nil, nil, err
		}
		disc = append(disc, d.ToBytes())
		req = append(req, r.ToBytes())
	}
	return disc, req, nil
}
