package dhcp

import (
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"
)

// FuzzHandle feeds raw bytes through Parse (dhcpv4.FromBytes plus our
// checks) and the handler in both modes: no panic, and every reply is a
// well-formed BOOTREPLY to the same transaction that survives a round trip.
func FuzzHandle(f *testing.F) {
	seeds := [][]dhcpv4.Modifier{biosPXE(), uefiPXE(iana.EFI_BC), httpBoot(), ipxeOpt175(), ipxeUserClass(), armPXE(iana.EFI_ARM64), nil}
	for _, mods := range seeds {
		for _, mac := range []string{"52:54:00:00:00:01", "52:54:00:99:99:99"} {
			f.Add(discover(f, mustMAC(mac), mods...).ToBytes())
		}
	}
	offer, _ := dhcpv4.NewReplyFromRequest(discover(f, macBIOS), dhcpv4.WithYourIP(netip.MustParseAddr("192.0.2.11").AsSlice()))
	req, _ := dhcpv4.NewRequestFromOffer(offer, dhcpv4.WithOption(dhcpv4.OptServerIdentifier(netip.MustParseAddr("192.0.2.1").AsSlice())))
	f.Add(req.ToBytes())
	f.Add([]byte{1, 1, 6, 0})

	quiet := slog.New(slog.DiscardHandler)
	tab := testTable(f)
	res := testConfig()
	res.Discovery = &Pool{Start: netip.MustParseAddr("192.0.2.100"), End: netip.MustParseAddr("192.0.2.110"), PrefixLen: 24, LeaseTime: time.Minute}
	proxy := testConfig()
	proxy.Mode = ModeProxy
	var handlers []*Handler
	for _, cfg := range []Config{testConfig(), res, proxy} {
		h, err := NewHandler(cfg, tab, quiet)
		if err != nil {
			f.Fatal(err)
		}
		handlers = append(handlers, h)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			return
		}
		for _, h := range handlers {
			for _, port := range []int{ServerPort, PXEProxyPort} {
				r := h.Handle(bg, m, port)
				if r == nil {
					continue
				}
				if r.OpCode != dhcpv4.OpcodeBootReply || r.TransactionID != m.TransactionID {
					t.Fatalf("reply op %v xid %v to xid %v", r.OpCode, r.TransactionID, m.TransactionID)
				}
				back, err := dhcpv4.FromBytes(r.ToBytes())
				if err != nil {
					t.Fatalf("reply does not parse back: %v", err)
				}
				if back.MessageType() != r.MessageType() {
					t.Fatalf("message type lost: %v vs %v", back.MessageType(), r.MessageType())
				}
				_ = ReplyAddr(m, r, nil, port)
			}
		}
	})
}
