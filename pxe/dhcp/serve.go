package dhcp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
)

// readersPerSocket is how many goroutines read each socket concurrently.
const readersPerSocket = 2

// Server moves packets between the provisioning interface and a Handler.
type Server struct {
	h     *Handler
	log   *slog.Logger
	iface string
	conns []serverConn
}

type serverConn struct {
	conn *net.UDPConn
	port int
}

// NewServer opens the server's sockets on iface now (port 67, plus 4011 in
// proxy mode), bound to the device with broadcast allowed, so a caller
// inside a network namespace can bind there and serve from anywhere.
// Needs root (or CAP_NET_BIND_SERVICE and CAP_NET_RAW) and iface up with
// its address.
func NewServer(iface string, h *Handler) (*Server, error) {
	s := &Server{h: h, log: h.log.With("iface", iface), iface: iface}
	ports := []int{ServerPort}
	if h.cfg.Mode == ModeProxy {
		ports = append(ports, PXEProxyPort)
	}
	for _, port := range ports {
		c, err := server4.NewIPv4UDPConn(iface, &net.UDPAddr{Port: port})
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("dhcp: listen on %s port %d: %w", iface, port, err)
		}
		s.conns = append(s.conns, serverConn{conn: c, port: port})
	}
	return s, nil
}

// Serve opens the sockets on iface and serves until ctx is done.
func Serve(ctx context.Context, iface string, h *Handler) error {
	s, err := NewServer(iface, h)
	if err != nil {
		return err
	}
	return s.Serve(ctx)
}

// Serve answers packets until ctx is done, then closes the sockets and
// returns nil; a socket failing otherwise ends it with that error.
func (s *Server) Serve(ctx context.Context) error {
	s.log.Info("dhcp serving", "mode", string(s.h.cfg.Mode), "server_ip", s.h.cfg.ServerIP.String())
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, len(s.conns)*readersPerSocket)
	for _, c := range s.conns {
		for range readersPerSocket {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.readLoop(ctx, c); err != nil {
					errc <- err
					cancel()
				}
			}()
		}
	}
	<-ctx.Done()
	s.Close()
	wg.Wait()
	close(errc)
	return <-errc
}

// Close closes the sockets; Serve returns.
func (s *Server) Close() error {
	var errs []error
	for _, c := range s.conns {
		if err := c.conn.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Server) readLoop(ctx context.Context, c serverConn) error {
	// One byte more than accepted, to tell oversized packets from full ones.
	buf := make([]byte, MaxPacket+1)
	for {
		n, peer, err := c.conn.ReadFromUDP(buf)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("dhcp: read on %s port %d: %w", s.iface, c.port, err)
		}
		req, err := Parse(buf[:n])
		if err != nil {
			s.malformed(ctx, req, peer, n, err)
			continue
		}
		resp := s.h.Handle(ctx, req, c.port)
		if resp == nil {
			continue
		}
		dst := ReplyAddr(req, resp, peer, c.port)
		if _, err := c.conn.WriteToUDP(resp.ToBytes(), dst); err != nil {
			s.h.metrics.SendErrors.Inc()
			s.log.Warn("dhcp send failed", "mac", req.ClientHWAddr.String(), "xid", req.TransactionID.String(),
				"to", dst.String(), "err", err)
		}
	}
}

func (s *Server) malformed(ctx context.Context, req *dhcpv4.DHCPv4, peer *net.UDPAddr, n int, err error) {
	s.h.metrics.packet(dhcpv4.MessageTypeNone, ResultMalformed)
	attrs := []slog.Attr{slog.String("from", peer.String()), slog.Int("bytes", n), slog.String("err", err.Error())}
	if req != nil {
		attrs = append(attrs, slog.String("mac", req.ClientHWAddr.String()), slog.String("xid", req.TransactionID.String()))
	}
	s.log.LogAttrs(ctx, slog.LevelWarn, "dhcp packet dropped", attrs...)
}

// ReplyAddr is where resp to req goes (RFC 2131 4.1): to the relay's port 67
// when giaddr is set; back to the sender for proxyDHCP port 4011; to ciaddr
// when the client has an address; else broadcast (the interface is
// unaddressed, and the library's socket cannot unicast to a MAC). Pure.
func ReplyAddr(req, resp *dhcpv4.DHCPv4, peer *net.UDPAddr, port int) *net.UDPAddr {
	if gi := req.GatewayIPAddr; gi != nil && !gi.IsUnspecified() {
		return &net.UDPAddr{IP: gi, Port: ServerPort}
	}
	if port == PXEProxyPort && peer != nil && !peer.IP.IsUnspecified() {
		return peer
	}
	if ci := req.ClientIPAddr; ci != nil && !ci.IsUnspecified() && resp.MessageType() != dhcpv4.MessageTypeNak {
		return &net.UDPAddr{IP: ci, Port: ClientPort}
	}
	return &net.UDPAddr{IP: net.IPv4bcast, Port: ClientPort}
}
