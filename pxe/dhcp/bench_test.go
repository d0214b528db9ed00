package dhcp

import (
	"log/slog"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// BenchmarkHandle is the handler's cost per DISCOVER+REQUEST (parse,
// decide, build, serialize), without sockets.
func BenchmarkHandle(b *testing.B) {
	h, err := NewHandler(testConfig(), testTable(b), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	disc := discover(b, macIPXE, ipxeOpt175()...).ToBytes()
	offer := h.Handle(bg, mustParse(b, disc), ServerPort)
	reqMsg, _ := dhcpv4.NewRequestFromOffer(offer, ipxeOpt175()...)
	req := reqMsg.ToBytes()
	b.ReportAllocs()
	for b.Loop() {
		for _, pkt := range [][]byte{disc, req} {
			m, err := Parse(pkt)
			if err != nil {
				b.Fatal(err)
			}
			if r := h.Handle(bg, m, ServerPort); r == nil {
				b.Fatal("no reply")
			} else {
				_ = r.ToBytes()
			}
		}
	}
}

func mustParse(tb testing.TB, b []byte) *dhcpv4.DHCPv4 {
	m, err := Parse(b)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}
