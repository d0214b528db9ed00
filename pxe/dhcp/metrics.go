package dhcp

import (
	"sync"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the DHCP server's counters. The boot server registers them
// (Collectors) on its /metrics registry.
type Metrics struct {
	// Packets counts received packets by DHCP message type and Result.
	Packets *prometheus.CounterVec
	// SendErrors counts replies that could not be sent.
	SendErrors prometheus.Counter

	mu     sync.RWMutex
	byType map[packetKey]prometheus.Counter // Packets' children, looked up once
}

type packetKey struct {
	mt dhcpv4.MessageType
	r  Result
}

// NewMetrics returns unregistered counters.
func NewMetrics() *Metrics {
	return &Metrics{
		Packets: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "racksmith_dhcp_packets_total",
			Help: "DHCP packets received, by message type and what was done with them.",
		}, []string{"type", "result"}),
		SendErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "racksmith_dhcp_send_errors_total",
			Help: "DHCP replies that could not be sent.",
		}),
		byType: map[packetKey]prometheus.Counter{},
	}
}

// Collectors returns every collector, for prometheus.Registerer.MustRegister.
func (m *Metrics) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.Packets, m.SendErrors}
}

func (m *Metrics) packet(mt dhcpv4.MessageType, r Result) {
	k := packetKey{mt, r}
	m.mu.RLock()
	c, ok := m.byType[k]
	m.mu.RUnlock()
	if !ok {
		t := "none"
		if mt != dhcpv4.MessageTypeNone {
			t = mt.String()
		}
		c = m.Packets.WithLabelValues(t, string(r))
		m.mu.Lock()
		m.byType[k] = c
		m.mu.Unlock()
	}
	c.Inc()
}
