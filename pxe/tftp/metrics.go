package tftp

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the TFTP server's counters, for the boot server's /metrics.
type Metrics struct {
	// Transfers counts read requests by result: ok, refused, not_found,
	// size_probe (UEFI asked tsize then aborted), failed (the transfer
	// broke off), bad_request.
	Transfers *prometheus.CounterVec
	// Bytes counts file bytes sent in finished transfers.
	Bytes prometheus.Counter
}

// NewMetrics returns unregistered counters.
func NewMetrics() *Metrics {
	return &Metrics{
		Transfers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "racksmith_tftp_transfers_total",
			Help: "TFTP requests by result.",
		}, []string{"result"}),
		Bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "racksmith_tftp_sent_bytes_total",
			Help: "File bytes sent over TFTP.",
		}),
	}
}

// Collectors returns every collector, for prometheus.Registerer.MustRegister.
func (m *Metrics) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.Transfers, m.Bytes}
}
