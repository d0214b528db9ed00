package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/racksmith/racksmith/pxe/api"
	"github.com/racksmith/racksmith/pxe/plan"
)

// metrics are the HTTP side's counters, on the server's own registry.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	installs *prometheus.CounterVec
}

var _ api.Observer = (*metrics)(nil)

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "racksmith_http_requests_total",
			Help: "HTTP requests served, by endpoint pattern and status code.",
		}, []string{"endpoint", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "racksmith_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by endpoint pattern.",
			Buckets: []float64{.001, .005, .02, .1, .5, 2, 10, 60},
		}, []string{"endpoint"}),
		installs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "racksmith_installs_total",
			Help: "Installs, wipes and discoveries finished, by mode and outcome (the host's resulting state).",
		}, []string{"mode", "outcome"}),
	}
	reg.MustRegister(m.requests, m.duration, m.installs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// hostsCollector reports how many hosts are in each state, read from the
// store at scrape time.
type hostsCollector struct {
	list func() ([]plan.Status, error)
	desc *prometheus.Desc
}

func newHostsCollector(list func() ([]plan.Status, error)) *hostsCollector {
	return &hostsCollector{list: list, desc: prometheus.NewDesc("racksmith_hosts",
		"Hosts known to the boot server, by mode and state.", []string{"mode", "state"}, nil)}
}

func (c *hostsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *hostsCollector) Collect(ch chan<- prometheus.Metric) {
	l, err := c.list()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	type key struct{ mode, state string }
	n := map[key]int{}
	for _, st := range l {
		n[key{string(st.Mode), st.State}]++
	}
	for k, v := range n {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(v), k.mode, k.state)
	}
}

// Finished counts a finished install (api.Observer).
func (m *metrics) Finished(mode plan.Mode, state string) {
	m.installs.WithLabelValues(string(mode), state).Inc()
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController and ServeContent reach the original.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// instrument counts and times every request by the mux pattern it matched
// (the pattern, not the path, so MACs and file names do not explode the
// label space).
func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		endpoint := r.Pattern
		if endpoint == "" {
			endpoint = "unmatched"
		}
		m.requests.WithLabelValues(endpoint, strconv.Itoa(sw.code)).Inc()
		m.duration.WithLabelValues(endpoint).Observe(time.Since(start).Seconds())
	})
}
